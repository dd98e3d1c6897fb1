/* Where RequireJS finds the ipywidgets embed manager: _static/widgets/.
 * The manager (embed-amd.js) loads its icon fonts from the folder of its own
 * module URL; without this path RequireJS resolves that URL against the page
 * (chapters/@jupyter-widgets/html-manager/dist/), where no font is. The book
 * serves this file from tools/static/ (html_static_path) and loads it between
 * require.js and embed-amd.js (nb_ipywidgets_js in _config.yml). */
(function () {
  "use strict";
  var src = document.currentScript.src;
  var widgets = src.slice(0, src.lastIndexOf("/")) + "/widgets";
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": widgets },
  });
})();
