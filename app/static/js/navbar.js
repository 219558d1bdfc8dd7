/* The navbar on one line at every width: the widest of four layouts that fits.

   The menu's width depends on the language, on the categories a person may open, on the
   length of their name and on the fonts of the machine, so no fixed breakpoint is right
   for everyone. This picks, at load and on every resize, the first layout whose items all
   sit on one line: full; compact (language and user as icons with tooltips, tighter
   padding, a shorter search box); brief (the product name as a home icon too); collapsed
   behind the toggle (always below 768 px, where Bootstrap collapses on its own).

   Loaded right after the navbar's markup, before the rest of the page, so the first paint
   already has the right layout. The layouts themselves are in static/css/theme.css. */
(function () {
  "use strict";

  var nav = document.getElementById("navbar");
  if (!nav) { return; }
  var LAYOUTS = [[], ["theme-nav-compact"], ["theme-nav-compact", "theme-nav-brief"],
                 ["theme-nav-collapsed"]];
  var ALL = ["theme-nav-compact", "theme-nav-brief", "theme-nav-collapsed"];
  var PHONE = window.matchMedia ? window.matchMedia("(max-width: 767px)") : null;
  var ITEMS = ".navbar-header, .navbar-collapse > .navbar-nav > li, .navbar-collapse > .navbar-form";

  /* A name shown only as an icon gets its tooltip; spelled out, it needs none (a tooltip
     repeating it would only cover the menu it opens). */
  var TITLED = nav.querySelectorAll("[data-compact-title]");

  function use(layout) {
    ALL.forEach(function (name) {
      nav.classList.toggle(name, layout.indexOf(name) !== -1);
    });
    var compact = layout.indexOf("theme-nav-compact") !== -1;
    for (var i = 0; i < TITLED.length; i++) {
      if (compact) {
        TITLED[i].setAttribute("title", TITLED[i].getAttribute("data-compact-title"));
      } else {
        TITLED[i].removeAttribute("title");
      }
    }
  }

  /* Every item starts above the bottom of the shortest one: one line, nothing wrapped. */
  function onOneLine() {
    var items = nav.querySelectorAll(ITEMS);
    var boxes = [];
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (box.width || box.height) { boxes.push(box); }
    }
    if (!boxes.length) { return true; }
    var bottom = Math.min.apply(null, boxes.map(function (b) { return b.bottom; }));
    var right = nav.getBoundingClientRect().right;
    return boxes.every(function (b) { return b.top < bottom - 1 && b.right <= right + 1; });
  }

  function fit() {
    if (PHONE && PHONE.matches) { use(LAYOUTS[LAYOUTS.length - 1]); return; }
    for (var i = 0; i < LAYOUTS.length - 1; i++) {
      use(LAYOUTS[i]);
      if (onOneLine()) { return; }
    }
    use(LAYOUTS[LAYOUTS.length - 1]);
  }

  var pending = false;
  function refit() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  }

  fit();
  window.addEventListener("resize", refit);
  window.addEventListener("load", refit);  // icon fonts and late styles change widths
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(refit); }
})();
