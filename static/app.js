// The page's only script besides htmx.

// "Copy" buttons: data-copy="#id" names what to copy.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  const source = button && document.querySelector(button.dataset.copy);
  if (!source) return;
  navigator.clipboard.writeText(source.value ?? source.textContent).then(() => {
    button.textContent = "Copied";
  });
});

// A changed field (data-check) is checked by the server and redrawn alone, with the form's values sent along.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-check]");
  const form = field && field.closest("form");
  if (!form || !window.htmx) return;
  htmx.ajax("POST", form.action, {source: field, target: field, select: "#" + field.id, swap: "outerHTML",
                                  values: {"$action": "check"}});
});
