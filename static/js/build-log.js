// Keeps the build log scrolled to its newest line while htmx refreshes the progress panel,
// unless the reader has scrolled up to read something.
(function () {
  let follow = true;
  function logs() { return document.querySelectorAll("pre[data-autoscroll]"); }
  function toBottom() { logs().forEach((pre) => { pre.scrollTop = pre.scrollHeight; }); }
  document.addEventListener("DOMContentLoaded", toBottom);
  document.addEventListener("htmx:beforeSwap", () => {
    const pre = logs()[0];
    follow = !pre || pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
  });
  document.addEventListener("htmx:afterSwap", () => { if (follow) toBottom(); });
})();
