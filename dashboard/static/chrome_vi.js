/* Streamlit's own chrome in Vietnamese. Streamlit has no locale setting: this script (put into
   index.html by dashboard/serve.py, before Streamlit's scripts, with the dictionary of
   chrome_vi.json as window.__DA06_VI) translates Streamlit's and plotly's fixed English phrases
   wherever they appear — text, aria-label, title, placeholder, data-title (plotly's mode bar),
   alt — as the front end draws them, by exact phrase (and a few patterns for phrases that carry
   a value: "20MB per file", "Help for …"). Text from the app or its data is never an exact
   English phrase of the dictionary, so it is left alone. Offline: nothing is fetched. */
(function () {
  "use strict";
  if (window.__da06ChromeVi) return;
  window.__da06ChromeVi = true;
  var dict = window.__DA06_VI || {};
  var exact = dict.exact || {};
  var patterns = (dict.patterns || []).map(function (p) { return [new RegExp(p[0]), p[1]]; });
  var ATTRS = ["aria-label", "title", "placeholder", "data-title", "alt"];
  var SKIP = {STYLE: 1, SCRIPT: 1, TEXTAREA: 1, svg: 1, SVG: 1, CODE: 1, PRE: 1};

  function translate(s) {
    if (!s) return null;
    var t = s.trim();
    if (!t || !/[A-Za-z]/.test(t)) return null;
    var v = Object.prototype.hasOwnProperty.call(exact, t) ? exact[t] : undefined;
    if (v === undefined) {
      for (var i = 0; i < patterns.length; i++) {
        if (patterns[i][0].test(t)) { v = t.replace(patterns[i][0], patterns[i][1]); break; }
      }
    }
    if (v === undefined || v === t) return null;
    return s.replace(t, function () { return v; });  // keep the spaces around the phrase
  }

  function skipped(node) {
    for (var p = node.parentNode; p && p.nodeType === 1; p = p.parentNode) {
      if (SKIP[p.nodeName]) return true;
      if (p.isContentEditable) return true;
    }
    return false;
  }

  function text(node) {
    var v = translate(node.nodeValue);
    if (v !== null && !skipped(node)) node.nodeValue = v;
  }

  function attrs(el) {
    for (var i = 0; i < ATTRS.length; i++) {
      var a = ATTRS[i];
      if (el.hasAttribute && el.hasAttribute(a)) {
        var v = translate(el.getAttribute(a));
        if (v !== null) el.setAttribute(a, v);
      }
    }
  }

  function walk(root) {
    if (root.nodeType === 3) { text(root); return; }
    if (root.nodeType !== 1 || SKIP[root.nodeName]) return;
    attrs(root);
    var w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.nodeType === 1 && SKIP[n.nodeName] ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while (w.nextNode()) {
      var n = w.currentNode;
      if (n.nodeType === 3) text(n); else attrs(n);
    }
  }

  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var m = mutations[i];
      if (m.type === "childList") m.addedNodes.forEach(walk);
      else if (m.type === "characterData") text(m.target);
      else if (m.type === "attributes") attrs(m.target);
    }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true,
                                         attributes: true, attributeFilter: ATTRS});
  walk(document.documentElement);
})();
