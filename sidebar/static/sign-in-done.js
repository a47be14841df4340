// The sign-in dialog's last page: hand the answer (a token or an error) to the task pane.
Office.onReady(() => Office.context.ui.messageParent(
  document.getElementById("mm-answer").textContent));
