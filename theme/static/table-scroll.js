// A table wider than its box scrolls sideways in it; say so where it does.
//
// The box that scrolls is the nearest ancestor of the table whose overflow-x is auto or scroll
// (a notebook output, or the theme's container of a Markdown table). When the table is wider than
// that box, the box gets the class "table-scrolls" (theme/static/ketamine-review.css then gives its
// columns a readable measure instead of a word each, and draws a shadow at the edge where more
// columns lie) and a line of text before it says that the table scrolls; the
// box, which the theme makes reachable by keyboard, is described by that line. When the table fits
// (a wider window), the line is hidden again. Nothing is loaded from elsewhere: it works from file://.
(() => {
  const SCROLLING = new Set(["auto", "scroll"]);
  const CUE = "Scroll sideways to see every column of this table.";
  let made = 0;

  function scrollBox(table) {
    for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
      if (SCROLLING.has(getComputedStyle(el).overflowX)) return el;
      if (el.tagName === "ARTICLE") break;
    }
    return null;
  }

  function cueOf(box) {
    const before = box.previousElementSibling;
    return before && before.classList.contains("table-scroll-cue") ? before : null;
  }

  function update() {
    for (const table of document.querySelectorAll("article table")) {
      const box = scrollBox(table);
      if (!box) continue;
      // measured as laid out to fit (the class lets a table that scrolls anyway take wider columns)
      box.classList.remove("table-scrolls");
      const wide = box.scrollWidth > box.clientWidth + 1;
      let cue = cueOf(box);
      if (wide && !cue) {
        cue = document.createElement("p");
        cue.className = "table-scroll-cue";
        cue.id = `table-scroll-cue-${++made}`;
        cue.textContent = CUE;
        box.before(cue);
      }
      box.classList.toggle("table-scrolls", wide);
      if (cue) {
        cue.hidden = !wide;
        if (wide) box.setAttribute("aria-describedby", cue.id);
        else if (box.getAttribute("aria-describedby") === cue.id) box.removeAttribute("aria-describedby");
      }
    }
  }

  let pending = null;
  function later() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => { pending = null; update(); });
  }
  function start() {
    update();
    // a table changes width when rows are filtered (the audit page) or when fonts and MathJax arrive
    if (window.ResizeObserver) {
      const observer = new ResizeObserver(later);
      document.querySelectorAll("article table").forEach((table) => observer.observe(table));
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.addEventListener("load", update);
  window.addEventListener("resize", later);
})();
