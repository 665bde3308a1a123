/* Skill profiles: progressive enhancement only; every form works without this file.
 * - "Add a competence" clones an empty row of the edit form (renumbering its fields).
 * - Names of competences are suggested from GET /api/v1/skills?q= into a <datalist>. */
(function () {
  "use strict";

  function renumber(row, index, position) {
    row.querySelectorAll("input, select, label").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) {
          el.setAttribute(attr, value.replace(/^skills-\d+-/, "skills-" + index + "-"));
        }
      });
    });
    var label = row.querySelector("label");
    if (label) {
      label.textContent = label.textContent.replace(/\d+\s*$/, String(position));
    }
  }

  function setUpRows() {
    var container = document.querySelector("[data-skill-rows]");
    var actions = document.querySelector("[data-skill-actions]");
    if (!container || !actions) {
      return;
    }
    var max = parseInt(container.getAttribute("data-max-rows"), 10) || 43;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary";
    button.textContent = container.getAttribute("data-add-label") || "+";
    actions.querySelectorAll("[data-no-js]").forEach(function (el) {
      el.parentNode.removeChild(el);
    });
    actions.appendChild(button);
    button.addEventListener("click", function () {
      var rows = container.querySelectorAll("[data-skill-row]");
      if (!rows.length || rows.length >= max) {
        return;
      }
      var row = rows[rows.length - 1].cloneNode(true);
      row.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.removeAttribute("aria-invalid");
      });
      row.querySelectorAll("select").forEach(function (select) {
        select.selectedIndex = 0;
      });
      var next = 0;
      container.querySelectorAll("input[name^='skills-']").forEach(function (input) {
        var match = /^skills-(\d+)-/.exec(input.name);
        if (match) {
          next = Math.max(next, parseInt(match[1], 10) + 1);
        }
      });
      renumber(row, next, rows.length + 1);
      container.appendChild(row);
      var first = row.querySelector("input");
      if (first) {
        first.focus();
      }
    });
  }

  function setUpSuggestions() {
    var list = document.getElementById("skill-suggestions");
    if (!list || !window.fetch) {
      return;
    }
    var url = list.getAttribute("data-suggest-url");
    var timer = null;
    var last = "";
    var controller = null;

    function fill(items) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      items.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.name;
        list.appendChild(option);
      });
    }

    function suggest(query) {
      if (query === last) {
        return;
      }
      last = query;
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query) + "&per_page=10", {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { items: [] };
        })
        .then(function (body) {
          fill(Array.isArray(body.items) ? body.items : []);
        })
        .catch(function () {
          /* suggestions are a convenience: ignore network errors */
        });
    }

    document.addEventListener("input", function (event) {
      var input = event.target;
      if (!input || input.getAttribute("list") !== "skill-suggestions") {
        return;
      }
      var query = input.value.trim();
      clearTimeout(timer);
      if (query.length < 2) {
        return;
      }
      timer = setTimeout(function () {
        suggest(query);
      }, 200);
    });
  }

  setUpRows();
  setUpSuggestions();
})();
