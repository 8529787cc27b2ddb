// The article editor: a visual editor (the vendored pell, static/vendor/pell) over the article's textarea, which
// stays the form's field — the editor writes into it, so without JavaScript the form is the textarea (HTML or plain
// text) as before. Why pell: it is a toolbar over a contenteditable area and nothing more, with no inline script or
// style of its own, so it runs under the site's Content-Security-Policy (script-src and style-src 'self'); see
// static/vendor/pell/VERSION for the editors passed over. What the server keeps is decided by its sanitiser
// (portal/sanitise.py); the allow-list here only keeps the editing area free of what would be dropped anyway — and
// of style attributes, which the policy refuses.
//
// <div data-editor-for="TEXTAREA-ID" data-upload-url=… data-image-dialog="DIALOG-ID" data-l-NAME="label" hidden>
// The dialog asks for the image file and its description (alt text); no image goes in without one.
(function () {
  "use strict";
  if (!window.pell) return;

  var TAGS = {
    P: [], BR: [], H2: [], H3: [], H4: [], STRONG: [], B: [], EM: [], I: [], U: [], S: [], SUB: [], SUP: [],
    BLOCKQUOTE: [], UL: [], OL: ["start"], LI: [], A: ["href", "title"], IMG: ["src", "alt", "width", "height"],
    FIGURE: [], FIGCAPTION: [], TABLE: [], CAPTION: [], THEAD: [], TBODY: [], TR: [],
    TH: ["colspan", "rowspan", "scope"], TD: ["colspan", "rowspan"], HR: [], SPAN: []
  };
  var DROP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|IFRAME|OBJECT|EMBED|SVG|MATH|DFN|TITLE|TEXTAREA|SELECT|BUTTON|FORM|INPUT|HEAD|META|LINK)$/;

  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // The allowed part of `html`, as nodes of this document. DOMParser's document is inert: nothing in it runs or
  // loads while it is read.
  function cleanFragment(html) {
    var source = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      Array.prototype.forEach.call(from.childNodes, function (node) {
        if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.data)); return; }
        if (node.nodeType !== 1 || DROP.test(node.tagName) || node.hidden) return;
        var allowed = TAGS[node.tagName];
        if (!allowed) { copy(node, to); return; }  // unknown markup: its words stay
        var el = document.createElement(node.tagName);
        allowed.forEach(function (name) {
          if (node.hasAttribute(name)) el.setAttribute(name, node.getAttribute(name));
        });
        if (node.tagName === "IMG" && !(el.getAttribute("alt") || "").trim()) return;  // undescribed: not kept
        copy(node, el);
        to.appendChild(el);
      });
    })(source, out);
    return out;
  }

  function paragraphs(text) {
    return text.split(/\r?\n/).filter(function (l) { return l.trim(); })
      .map(function (l) { return "<p>" + escapeHtml(l.trim()) + "</p>"; }).join("");
  }

  // The textarea's value as the server reads it: HTML, or plain text with a paragraph a line.
  function asHtml(text) { return text.indexOf("<") !== -1 ? text : paragraphs(text); }

  document.querySelectorAll("[data-editor-for]").forEach(function (holder) {
    var area = document.getElementById(holder.dataset.editorFor);
    if (!area) return;
    var label = function (name) { return holder.getAttribute("data-l-" + name) || name; };
    var exec = window.pell.exec;
    var dialog = document.getElementById(holder.dataset.imageDialog || "");
    var saved = null;  // the selection in the editing area when the image dialog opened

    function sync() { area.value = content.innerHTML; }
    function block(tag) { return function () { exec("formatBlock", "<" + tag + ">"); }; }
    var actions = [
      { name: "paragraph", title: label("paragraph"), result: block("p") },
      { name: "h2", title: label("heading"), result: block("h2") },
      { name: "h3", title: label("subheading"), result: block("h3") },
      { name: "bold", title: label("bold"), state: function () { return document.queryCommandState("bold"); },
        result: function () { exec("bold"); } },
      { name: "italic", title: label("italic"), state: function () { return document.queryCommandState("italic"); },
        result: function () { exec("italic"); } },
      { name: "ulist", title: label("list"), result: function () { exec("insertUnorderedList"); } },
      { name: "olist", title: label("numbered"), result: function () { exec("insertOrderedList"); } },
      { name: "link", title: label("link"), result: function () {
        var url = window.prompt(label("link-prompt"), "/news/");
        if (url) exec("createLink", url.trim());
      } },
      { name: "image", title: label("image"), result: openImageDialog },
      { name: "source", title: label("source"), result: toggleSource }
    ].map(function (a) { a.icon = escapeHtml(a.title); return a; });

    holder.hidden = false;
    window.pell.init({
      element: holder,
      onChange: sync,
      defaultParagraphSeparator: "p",
      actions: actions,
      classes: { actionbar: "pell-actionbar", button: "pell-button", content: "pell-content article-body",
                 selected: "pell-button-selected" }
    });
    var content = holder.content;
    // A press on the toolbar keeps the focus, and so the selection, in the text it is about to format.
    holder.querySelector(".pell-actionbar").addEventListener("mousedown", function (e) { e.preventDefault(); });
    content.setAttribute("role", "textbox");
    content.setAttribute("aria-multiline", "true");
    content.setAttribute("aria-label", label("text"));
    holder.querySelectorAll(".pell-button").forEach(function (b, i) {
      b.setAttribute("aria-label", b.title);
      b.dataset.action = actions[i].name;
    });
    content.appendChild(cleanFragment(asHtml(area.value)));
    sync();
    area.required = false;  // the server says when the text is missing; a hidden required field cannot be focused
    area.hidden = true;

    // Pasted text comes in as paragraphs of plain text: a word processor's markup and styles stay out.
    content.addEventListener("paste", function (e) {
      var text = (e.clipboardData || window.clipboardData).getData("text/plain");
      if (!text) return;
      e.preventDefault();
      if (text.trim().indexOf("\n") === -1) exec("insertText", text.trim());
      else exec("insertHTML", paragraphs(text));
    });
    if (area.form) area.form.addEventListener("submit", function () { if (area.hidden) sync(); });

    function toggleSource() {
      if (area.hidden) { sync(); area.hidden = false; content.hidden = true; area.focus(); return; }
      content.textContent = "";
      content.appendChild(cleanFragment(asHtml(area.value)));
      sync();
      area.hidden = true;
      content.hidden = false;
      content.focus();
    }

    function openImageDialog() {
      if (!dialog) return;
      var sel = window.getSelection();
      saved = sel.rangeCount && content.contains(sel.anchorNode) ? sel.getRangeAt(0).cloneRange() : null;
      dialog.querySelector("[data-role=error]").hidden = true;
      dialog.showModal();
    }

    if (!dialog) return;
    var file = dialog.querySelector("input[type=file]");
    var alt = dialog.querySelector("[data-role=alt]");
    var error = dialog.querySelector("[data-role=error]");
    var insert = dialog.querySelector("[data-role=insert]");
    function fail(message) { error.textContent = message; error.hidden = false; }

    function upload() {
      var description = alt.value.replace(/\s+/g, " ").trim();
      if (!file.files.length) { fail(label("need-file")); file.focus(); return; }
      if (!description) { fail(label("need-alt")); alt.focus(); return; }
      var body = new FormData();
      body.append("file", file.files[0]);
      var token = area.form && area.form.querySelector("[name=csrfmiddlewaretoken]");
      insert.disabled = true;
      fetch(holder.dataset.uploadUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
      }).then(function (r) {
        return r.json().catch(function () { return { detail: label("upload-failed") }; })
          .then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (res) {
        if (!res.ok || !res.data.url) { fail(res.data.detail || label("upload-failed")); return; }
        dialog.close();
        content.focus();
        if (saved) { var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(saved); }
        exec("insertHTML", '<img src="' + escapeHtml(res.data.url) + '" alt="' + escapeHtml(description) + '">');
        sync();
        file.value = "";
        alt.value = "";
      }).catch(function () { fail(label("upload-failed")); })
        .then(function () { insert.disabled = false; });
    }

    insert.addEventListener("click", upload);
    dialog.querySelector("[data-role=cancel]").addEventListener("click", function () { dialog.close(); });
    // The dialog sits inside the article's form: Enter in its fields must not submit the article.
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && e.target.tagName === "INPUT") { e.preventDefault(); upload(); }
    });
  });
})();
