// Turns the stacked code snippets into tabs. Without JavaScript all three stay visible.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-tabs]")) {
    const nav = box.querySelector("[role=tablist]");
    const links = [...nav.querySelectorAll("a")];
    const show = (link) => {
      for (const other of links) {
        const selected = other === link;
        other.setAttribute("aria-selected", String(selected));
        box.querySelector(other.getAttribute("href")).hidden = !selected;
      }
    };
    for (const link of links) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        show(link);
      });
    }
    nav.hidden = false;
    box.classList.add("tabbed");
    show(links[0]);
  }
});
