// What Outlook would do with the pane's "reply formally": shown here instead.
window.addEventListener("message", (event) => {
  if (event.origin !== location.origin || !event.data || !event.data.reply) return;
  const note = document.getElementById("mm-outlook");
  note.textContent = "Outlook would open a reply starting with: ";
  const quoted = document.createElement("q");
  quoted.textContent = new DOMParser().parseFromString(event.data.reply, "text/html").body.textContent;
  note.append(quoted);
});
