// Boxes that scroll sideways (a wide table or output on a narrow screen) can be reached and
// scrolled with the keyboard: each gets tabindex="0" and a name while it scrolls, and loses
// them when it fits again (WCAG 2.1.1; axe-core "scrollable-region-focusable").
(() => {
  const BOXES = ".cell_output .output, .pst-scrollable-table-container, div.table-wrapper, .highlight pre";
  function update() {
    for (const box of document.querySelectorAll(BOXES)) {
      const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        const caption = box.querySelector("caption, figcaption");
        const label = caption ? caption.textContent.trim() : "";
        box.setAttribute("aria-label", (label ? label.slice(0, 120) + ": " : "") + "scrolls sideways");
        box.dataset.scrollRegion = "added";
      } else if (!scrolls && box.dataset.scrollRegion === "added") {
        for (const name of ["tabindex", "role", "aria-label", "data-scroll-region"]) box.removeAttribute(name);
      }
    }
  }
  let pending = 0;
  const later = () => { cancelAnimationFrame(pending); pending = requestAnimationFrame(update); };
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("load", update);
  window.addEventListener("resize", later);
})();
