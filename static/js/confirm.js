/* Destructive actions: progressive enhancement only; without this file the server answers a
 * confirmation page (marketplace/blueprints/confirm.py).
 * A form (or its submit button) with data-confirm asks its question in a <dialog>; « yes »
 * posts the form with confirmed=1. data-confirm-field / data-confirm-value limit the question
 * to one choice of a field (promoting to administrator, not every role change). */
(function () {
  "use strict";

  var dialog = null;

  function build(cancelLabel) {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
    var form = document.createElement("form");
    form.method = "dialog";
    var question = document.createElement("p");
    question.id = "confirm-dialog-question";
    question.className = "confirm-question";
    var actions = document.createElement("div");
    actions.className = "form-actions";
    var yes = document.createElement("button");
    yes.value = "yes";
    yes.className = "button button-danger";
    yes.setAttribute("data-confirm-yes", "");
    var no = document.createElement("button");
    no.value = "no";
    no.className = "button button-secondary";
    no.textContent = cancelLabel;
    no.autofocus = true;
    actions.appendChild(yes);
    actions.appendChild(no);
    form.appendChild(question);
    form.appendChild(actions);
    dialog.appendChild(form);
    document.body.appendChild(dialog);
  }

  function asks(form, submitter) {
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    var question = source.getAttribute("data-confirm");
    if (!question) {
      return null;
    }
    var field = source.getAttribute("data-confirm-field");
    if (field && form.elements[field] && form.elements[field].value !== source.getAttribute("data-confirm-value")) {
      return null;
    }
    return source;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var source = asks(form, submitter);
    if (!source || form.elements.confirmed || typeof HTMLDialogElement !== "function") {
      return;
    }
    event.preventDefault();
    if (!dialog) {
      build(source.getAttribute("data-confirm-cancel") || "×");
    }
    dialog.querySelector(".confirm-question").textContent = source.getAttribute("data-confirm");
    dialog.querySelector("[data-confirm-yes]").textContent =
      source.getAttribute("data-confirm-action") || (submitter && submitter.textContent) || "OK";
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (dialog.returnValue !== "yes") {
        return;
      }
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      flag.value = "1";
      form.appendChild(flag);
      if (submitter && submitter.name) {
        var choice = document.createElement("input");
        choice.type = "hidden";
        choice.name = submitter.name;
        choice.value = submitter.value;
        form.appendChild(choice);
      }
      form.submit();
    };
    dialog.showModal();
  });
})();
