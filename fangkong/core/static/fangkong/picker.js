/* A searchable picker for a long list (select[data-picker]): 119 compounds, 844 jurisdictions, a hundred recipients.
   The select stays the form's field and is kept in step, so the form works the same without JavaScript (where the
   select is simply shown). Options are grouped by their optgroup or by data-group (first seen first), each group
   with "select all" for a multiple choice; a search box filters as one types; a count says how many are chosen.
   Checkboxes or radios with large touch targets: usable with a thumb on a phone. The words come from the select's
   data attributes, set by the template in the reader's language (data-search, data-all, data-none, data-group-all,
   data-chosen with "%s" for the count, data-empty). */
(function () {
  "use strict";
  var serial = 0;

  function groupsOf(select) {
    var groups = [];
    var byName = {};
    Array.prototype.forEach.call(select.options, function (option) {
      var parent = option.parentNode;
      var name = parent && parent.tagName === "OPTGROUP" ? parent.label : option.getAttribute("data-group") || "";
      if (!(name in byName)) {
        byName[name] = { name: name, options: [] };
        groups.push(byName[name]);
      }
      byName[name].options.push(option);
    });
    return groups;
  }

  function build(select) {
    var d = select.dataset;
    var multiple = select.multiple;
    var id = "picker-" + ++serial;
    var box = document.createElement("div");
    box.className = "picker";

    var search = document.createElement("input");
    search.type = "search";
    search.id = id + "-q";
    search.placeholder = d.search || "";
    search.setAttribute("aria-controls", id + "-list");
    search.autocomplete = "off";
    box.appendChild(search);
    // The page's label for the select now names the search box, which is where one starts.
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) label.setAttribute("for", search.id);
    else search.setAttribute("aria-label", d.search || "");

    var bar = document.createElement("div");
    bar.className = "picker-bar";
    var count = document.createElement("span");
    count.className = "picker-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);
    box.appendChild(bar);

    var list = document.createElement("div");
    list.className = "picker-list";
    list.id = id + "-list";
    list.setAttribute("role", "group");
    box.appendChild(list);

    var empty = document.createElement("p");
    empty.className = "muted picker-empty";
    empty.textContent = d.empty || "";
    empty.hidden = true;
    box.appendChild(empty);

    var inputs = [];
    var sections = [];

    function refresh() {
      var chosen = 0;
      var name = "";
      inputs.forEach(function (input) {
        input.checked = input._option.selected;
        if (input.checked) {
          chosen += 1;
          name = input._option.textContent.trim();
        }
      });
      // A multiple choice counts; a single one names what is chosen (the list may be scrolled away from it).
      count.textContent = multiple
        ? (d.chosen || "%s").replace("%s", String(chosen))
        : (d.chosenOne || "%s").replace("%s", name || "—");
    }

    function visible(input) {
      return !input.closest("label").hidden;
    }

    function button(text, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "small secondary";
      b.textContent = text;
      b.addEventListener("click", onClick);
      return b;
    }

    function setAll(members, on) {
      members.forEach(function (input) {
        if (!input._option.disabled && visible(input)) input._option.selected = on;
      });
      select.dispatchEvent(new Event("change", { bubbles: true }));
      refresh();
    }

    groupsOf(select).forEach(function (group) {
      var section = document.createElement("fieldset");
      section.className = "picker-group";
      var members = [];
      if (group.name) {
        var legend = document.createElement("legend");
        legend.textContent = group.name;
        section.appendChild(legend);
      }
      group.options.forEach(function (option) {
        var row = document.createElement("label");
        row.className = "picker-option";
        var input = document.createElement("input");
        input.type = multiple ? "checkbox" : "radio";
        input.name = id;
        input.disabled = option.disabled;
        input._option = option;
        input.addEventListener("change", function () {
          if (multiple) option.selected = input.checked;
          else if (input.checked) select.value = option.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          refresh();
        });
        row.appendChild(input);
        row.appendChild(document.createTextNode(" " + option.textContent));
        section.appendChild(row);
        inputs.push(input);
        members.push(input);
      });
      if (multiple && group.name && members.length > 1) {
        var legendEl = section.querySelector("legend");
        legendEl.appendChild(button(d.groupAll || "✓", function () { setAll(members, true); }));
      }
      sections.push({ el: section, members: members });
      list.appendChild(section);
    });

    if (multiple) {
      bar.appendChild(button(d.all || "All", function () { setAll(inputs, true); }));
      bar.appendChild(button(d.none || "None", function () { setAll(inputs, false); }));
    }

    search.addEventListener("input", function () {
      var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      sections.forEach(function (s) {
        var any = false;
        var groupText = (s.el.querySelector("legend") || { textContent: "" }).textContent.toLowerCase();
        s.members.forEach(function (input) {
          var text = (input._option.textContent + " " + groupText).toLowerCase();
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          input.closest("label").hidden = !match;
          if (match) any = true;
        });
        s.el.hidden = !any;
        if (any) shown += 1;
      });
      empty.hidden = shown > 0;
    });
    search.addEventListener("keydown", function (e) {
      if (e.key === "Enter") e.preventDefault(); // Enter filters; it does not submit the form half-chosen
    });

    // A hidden required select cannot show the browser's own message: the picker checks it when the form is sent.
    if (select.required) {
      select.required = false;
      var form = select.form;
      if (form) {
        form.addEventListener("submit", function (e) {
          var any = Array.prototype.some.call(select.options, function (o) { return o.selected && o.value; });
          if (!any) {
            e.preventDefault();
            count.textContent = d.required || "";
            box.classList.add("picker-invalid");
            search.focus();
          }
        });
      }
    }
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.parentNode.insertBefore(box, select.nextSibling);
    refresh();
  }

  // A short list stays the browser's own control, which a phone shows well; a long one gets the picker.
  var MIN_OPTIONS = 13;
  Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), function (select) {
    if (select.options.length >= MIN_OPTIONS) build(select);
  });
})();
