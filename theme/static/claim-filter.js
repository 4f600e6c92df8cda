// The audit page's filter: two lists above the claim tables (verdict, topic) that hide the claims
// that do not match. The tables are marked by the page (analysis/pages/audit.py, filterable):
// each has data-claim-table, its verdict and topic cells the classes claim-verdict and claim-topic.
// The choices are read from those cells, so they are always the data's. On any other page it does nothing.
document.addEventListener("DOMContentLoaded", () => {
  const tables = Array.from(document.querySelectorAll("table[data-claim-table]"));
  if (!tables.length) return;
  const rows = tables.flatMap((table) => Array.from(table.querySelectorAll("tbody tr")));
  const cell = (row, css) => (row.querySelector("td." + css)?.textContent || "").trim();
  const filters = [
    { css: "claim-verdict", label: "Verdict", all: "All verdicts" },
    { css: "claim-topic", label: "Topic", all: "All topics" },
  ];

  const form = document.createElement("form");
  form.className = "claim-filter";
  form.setAttribute("role", "search");
  form.setAttribute("aria-label", "Filter the claims");
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const filter of filters) {
    const id = "claim-filter-" + filter.label.toLowerCase();
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = filter.label;
    const select = document.createElement("select");
    select.id = id;
    const values = Array.from(new Set(rows.map((row) => cell(row, filter.css)).filter(Boolean))).sort();
    for (const value of [""].concat(values)) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value || filter.all; // textContent: the data's words are never read as HTML
      select.append(option);
    }
    select.addEventListener("change", apply);
    filter.select = select;
    const field = document.createElement("span");
    field.className = "claim-filter-field";
    field.append(label, select);
    form.append(field);
  }
  const status = document.createElement("p");
  status.className = "claim-filter-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.append(status);

  // Above the first table's section (the first public text), or the table itself.
  const first = tables[0].closest("section") || tables[0];
  first.parentNode.insertBefore(form, first);

  function apply() {
    let shown = 0;
    for (const row of rows) {
      const match = filters.every((f) => !f.select.value || cell(row, f.css) === f.select.value);
      row.hidden = !match;
      if (match) shown += 1;
    }
    for (const table of tables) {
      const any = Array.from(table.querySelectorAll("tbody tr")).some((row) => !row.hidden);
      let note = table.nextElementSibling;
      if (!note || !note.classList.contains("claim-filter-none")) {
        note = document.createElement("p");
        note.className = "claim-filter-none";
        note.textContent = "No claim of this text matches the filter.";
        table.after(note);
      }
      note.hidden = any;
      table.hidden = !any;
    }
    status.textContent = `Showing ${shown} of ${rows.length} claims.`;
  }
  apply();
});
