/* ipywidgets' embed manager (@jupyter-widgets/html-manager 1.x) typesets
 * widget labels with MathJax 2's API, MathJax.Hub.Queue(["Typeset", Hub, el]);
 * the book loads MathJax 3, which has no Hub. Map the call onto MathJax 3.
 * `make vendor-js` copies this file to _vendor/widgets/; _config.yml loads it
 * on pages with widget outputs (nb_ipywidgets_js). */
(function () {
  "use strict";
  function install() {
    var mj = window.MathJax;
    if (!mj || mj.Hub) return;
    mj.Hub = {
      Queue: function (job) {
        var element = job && job[2];
        if (element && typeof window.MathJax.typesetPromise === "function") {
          window.MathJax.typesetPromise([element]).catch(function () {});
        }
      }
    };
  }
  install();
  document.addEventListener("DOMContentLoaded", install);
})();
