/*
 * huixun embed widget. A partner page adds
 *
 *   <div data-huixun></div>
 *   <script src="https://SEARCH.HOST/embed.js" defer></script>
 *
 * and gets a search box with highlighted results from SEARCH.HOST's /api/v1/search. Options on the div:
 * data-huixun-api (base URL of the API; default: where this script came from), data-huixun-lang (zh|en),
 * data-huixun-per-page (1-10, default 5), data-huixun-q (an initial query).
 * No dependencies. The widget lives in a shadow root, so its styles and the host page's styles cannot
 * affect each other. Highlight HTML from the API is rebuilt node by node: only text and <mark> survive.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, document.baseURI).origin : "";
  var TEXT = {
    zh: { label: "搜索学会公告", button: "搜索", placeholder: "输入关键词，如 科创中国", results: "条结果",
      none: "没有找到结果。", error: "搜索暂时不可用：", more: "查看全部结果", busy: "搜索中…" },
    en: { label: "Search society announcements", button: "Search", placeholder: "e.g. 科创中国",
      results: "results", none: "No results.", error: "Search unavailable: ", more: "All results", busy: "Searching…" }
  };
  var CSS = [
    ":host{all:initial;display:block;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',",
    "'WenQuanYi Micro Hei',sans-serif;color:#1f2328;line-height:1.55;font-size:15px}",
    ".hx{border:1px solid #d8dde3;border-radius:8px;padding:12px;background:#fff}",
    "form{display:flex;gap:0}",
    "input{flex:1;min-width:0;font:inherit;padding:6px 8px;border:1px solid #5b636e;border-radius:4px 0 0 4px}",
    "button{font:inherit;padding:6px 12px;border:1px solid #9b1c1c;background:#9b1c1c;color:#fff;",
    "border-radius:0 4px 4px 0;cursor:pointer}",
    "input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}",
    ".status{color:#5b636e;font-size:13px;margin:8px 0 0}",
    "ol{list-style:none;margin:0;padding:0}",
    "li{padding:8px 0;border-bottom:1px solid #eef0f3}",
    "a{color:#9b1c1c;font-weight:600;text-decoration:none}a:hover{text-decoration:underline}",
    "p{margin:2px 0;overflow-wrap:anywhere}.meta{color:#5b636e;font-size:12px}",
    "mark{background:#ffe58a;color:inherit;padding:0 1px;border-radius:2px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".more{display:inline-block;margin-top:8px;font-size:13px}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  /* Copy only text and <mark> from the API's highlight HTML (already escaped there; this is belt and braces). */
  function safeHighlight(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html || "";
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      from.childNodes.forEach(function (node) {
        if (node.nodeType === 3) {
          to.appendChild(document.createTextNode(node.nodeValue));
        } else if (node.nodeType === 1 && node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          copy(node, mark);
          to.appendChild(mark);
        } else if (node.nodeType === 1) {
          copy(node, to);
        }
      });
    })(tpl.content, out);
    return out;
  }

  function addStyles(root) {
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* fall back to a <style> element */ }
    }
    root.appendChild(el("style", {}, CSS));
  }

  function mount(host) {
    if (host.huixunMounted) return;
    host.huixunMounted = true;
    var api = (host.getAttribute("data-huixun-api") || scriptOrigin).replace(/\/+$/, "");
    var lang = host.getAttribute("data-huixun-lang") ||
      ((navigator.language || "zh").toLowerCase().indexOf("en") === 0 ? "en" : "zh");
    if (!TEXT[lang]) lang = "zh";
    var t = TEXT[lang];
    var perPage = Math.min(10, Math.max(1, parseInt(host.getAttribute("data-huixun-per-page") || "5", 10) || 5));
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    addStyles(root);
    var box = el("div", { "class": "hx" });
    var form = el("form", { role: "search" });
    var id = "hx-q-" + Math.random().toString(36).slice(2, 8);
    var label = el("label", { "for": id, "class": "sr" }, t.label);
    var input = el("input", { id: id, type: "search", name: "q", placeholder: t.placeholder, maxlength: "200" });
    var button = el("button", { type: "submit" }, t.button);
    var status = el("p", { "class": "status", role: "status", "aria-live": "polite" });
    var list = el("ol", { "class": "results" });
    form.appendChild(label); form.appendChild(input); form.appendChild(button);
    box.appendChild(form); box.appendChild(status); box.appendChild(list);
    root.appendChild(box);

    function render(data, q) {
      list.textContent = "";
      status.textContent = data.total ? data.total + " " + t.results : t.none;
      data.hits.forEach(function (hit) {
        var li = el("li");
        var link = el("a", { href: api + "/doc/" + encodeURIComponent(hit.id) + "?q=" + encodeURIComponent(q) +
          "&lang=" + lang, target: "_blank", rel: "noopener" });
        link.appendChild(safeHighlight(hit.title_html));
        var title = el("p"); title.appendChild(link);
        var snippet = el("p", { "class": "snippet" }); snippet.appendChild(safeHighlight(hit.snippet_html));
        var meta = el("p", { "class": "meta" }, [hit.date, hit.source].filter(Boolean).join(" · "));
        li.appendChild(title); li.appendChild(snippet); li.appendChild(meta);
        list.appendChild(li);
      });
      var more = root.querySelector(".more");
      if (more) more.remove();
      if (data.total > data.hits.length) {
        box.appendChild(el("a", { "class": "more", href: api + "/?q=" + encodeURIComponent(q) + "&lang=" + lang,
          target: "_blank", rel: "noopener" }, t.more + " →"));
      }
    }

    function search(q) {
      q = q.trim();
      if (!q) return;
      status.textContent = t.busy;
      var url = api + "/api/v1/search?q=" + encodeURIComponent(q) + "&per_page=" + perPage;
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.ok) throw new Error(data.error && data.error.message || "error");
          render(data, q);
        })
        .catch(function (err) { list.textContent = ""; status.textContent = t.error + err.message; });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); search(input.value); });
    var initial = host.getAttribute("data-huixun-q");
    if (initial) { input.value = initial; search(initial); }
  }

  function init() { document.querySelectorAll("[data-huixun]").forEach(mount); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
