// The menu and "Contents" buttons work on every screen.
//
// sphinx-book-theme 1.3 and pydata-sphinx-theme 0.17 each attach their sidebar handlers to the
// FIRST element with the class .primary-toggle (or .secondary-toggle) on the page, which in this
// layout is a hidden navbar icon; the buttons a reader sees come later and did nothing. Each later
// button now passes its click to the first one, so the themes' own behaviour runs: on a phone or
// tablet the sidebar opens as a dialog, on a desktop the menu button collapses the sidebar.
document.addEventListener("DOMContentLoaded", () => {
  for (const name of ["primary-toggle", "secondary-toggle"]) {
    const buttons = Array.from(document.querySelectorAll("." + name));
    const bound = buttons[0];
    buttons.slice(1).forEach((button) => {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
      });
    });
  }
});
