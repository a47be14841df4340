// The Outlook task pane: reads the open item through Office.js, asks the server for the panel
// and puts the server-rendered (escaped) HTML in place. No business logic here.
import { describe, follow } from "./backfill.js";

const panel = document.getElementById("mm-panel");
const strings = JSON.parse(document.getElementById("mm-strings").textContent);
const mode = new URLSearchParams(location.search).get("mode") === "compose" ? "compose" : "read";

function say(key) {
  panel.setAttribute("aria-busy", "false");
  panel.replaceChildren();
  const note = document.createElement("p");
  note.className = "note";
  note.setAttribute("role", "status");
  note.textContent = strings[key] || key;
  panel.append(note);
}

function recipient(value) {
  return value ? { emailAddress: value.emailAddress, displayName: value.displayName } : null;
}

// Read mode gives values; compose mode gives objects to ask (getAsync) for the current ones.
function current(value) {
  return new Promise((resolve) => {
    if (!value || typeof value.getAsync !== "function") return resolve(value);
    value.getAsync((result) =>
      resolve(result.status === Office.AsyncResultStatus.Succeeded ? result.value : null));
  });
}

function bodyText(item) {
  return new Promise((resolve) => {
    if (!item.body || !item.body.getAsync) return resolve("");
    item.body.getAsync(Office.CoercionType.Text, (result) =>
      resolve(result.status === Office.AsyncResultStatus.Succeeded ? result.value : ""));
  });
}

// Office SSO first; where it is unavailable (errors 13xxx), a sign-in dialog on our server.
let dialogToken = null;

async function token() {
  if (dialogToken) return dialogToken;
  try {
    return await Office.auth.getAccessToken({ allowSignInPrompt: true,
                                              allowConsentPrompt: true });
  } catch (error) {
    if (!(error && error.code >= 13000 && error.code < 14000) ||
        !Office.context.ui || !Office.context.ui.displayDialogAsync) throw error;
    dialogToken = await signInWithDialog();
    return dialogToken;
  }
}

function signInWithDialog() {
  return new Promise((resolve, reject) => {
    Office.context.ui.displayDialogAsync(`${location.origin}/auth/dialog`,
      { height: 60, width: 30 }, (result) => {
        if (result.status !== Office.AsyncResultStatus.Succeeded) return reject(result.error);
        const dialog = result.value;
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, (message) => {
          dialog.close();
          const answer = JSON.parse(message.message);
          if (answer.token) resolve(answer.token);
          else reject({ code: 13000, message: answer.error });
        });
      });
  });
}

// Every call to our API: JSON with the caller's token. Sign-in failures are thrown.
async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await token()}` },
    body: JSON.stringify(body),
  });
  if (response.status === 401) dialogToken = null;  // expired: sign in again next time
  return response;
}

async function render(response) {
  panel.innerHTML = (await response.json()).html;  // the server escaped every value
  panel.setAttribute("aria-busy", "false");
}

async function showItem() {
  const item = Office.context.mailbox.item;
  if (!item) return say("state.sign_in");
  panel.setAttribute("aria-busy", "true");
  const [from, to, cc, subject] = await Promise.all(
    [item.from, item.to, item.cc, item.subject].map(current));
  const message = {
    from: recipient(from), sender: recipient(item.sender),
    to: (to || []).map(recipient), cc: (cc || []).map(recipient),
    // Office.js has no Reply-To (Graph brings it); the demo's stand-in does
    replyTo: (item.replyTo || []).map(recipient),
    subject: subject || "", internetMessageId: item.internetMessageId || "",
    dateTimeCreated: item.dateTimeCreated ? new Date(item.dateTimeCreated).toISOString() : "",
    body: await bodyText(item), displayLanguage: Office.context.displayLanguage || "en",
    mode,
  };
  let response;
  try {
    response = await post("/api/panel", message);
  } catch (error) {
    return say(error && error.code >= 13000 && error.code < 14000
      ? "state.unsupported" : "state.error");
  }
  if (!response.ok) return say(response.status === 401 ? "state.sign_in" : "state.error");
  await render(response);
  const restId = mode === "read" ? await restIdOf(item) : "";
  if (restId) await enrich({ ...message, restId, sharedOwner: await sharedOwnerOf(item) });
}

// The server reads the message from Graph (the receiving system's verdict, Reply-To) and
// the recent correspondence; the panel is shown again with what it learned.
async function enrich(message) {
  const response = await post("/api/panel/enrich", message).catch(() => null);
  if (response && response.ok) await render(response);  // else the stored panel stays
}

async function restIdOf(item) {
  const mailbox = Office.context.mailbox;
  if (!item.itemId || !mailbox.convertToRestId) return "";  // e.g. Outlook mobile
  return mailbox.convertToRestId(item.itemId, Office.MailboxEnums.RestVersion.v2_0);
}

function sharedOwnerOf(item) {
  return new Promise((resolve) => {
    if (!item.getSharedPropertiesAsync) return resolve("");
    item.getSharedPropertiesAsync((result) => resolve(
      result.status === Office.AsyncResultStatus.Succeeded ? result.value.owner : ""));
  });
}

// The panel's buttons and forms: one decision, then the panel as it is now.
async function decide(decision) {
  const response = await post("/api/actions", decision).catch(() => null);
  if (!response || !response.ok) return say("state.error");
  await showItem();
  panel.querySelector("h2")?.setAttribute("tabindex", "-1");
  panel.querySelector("h2")?.focus();  // keyboard users land at the top of the new panel
}

panel.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  button.disabled = true;
  decide({ action: button.dataset.action, address: button.dataset.address,
           person_id: Number(button.dataset.person), note_id: Number(button.dataset.note) });
});

// The panel's forms: a label, a note, a search for the person to link the sender to.
const forms = {
  "label-form": (form) => decide({ action: "label", address: form.dataset.address,
                                   label: form.elements.label.value }),
  "note-form": (form) => decide({ action: "note", person_id: Number(form.dataset.person),
                                  text: form.elements.text.value,
                                  visibility: form.elements.visibility.value }),
  "link-form": async (form) => {
    const results = form.parentElement.querySelector(".link-results");
    const response = await post("/api/people/search", {
      q: form.elements.q.value, address: form.dataset.address,
      person_id: Number(form.dataset.person),
      displayLanguage: Office.context.displayLanguage || "en",
    }).catch(() => null);
    if (!response || !response.ok) return say("state.error");
    results.innerHTML = (await response.json()).html;  // escaped by the server
  },
};

panel.addEventListener("submit", (event) => {
  const form = event.target.closest("form");
  const handle = form && forms[form.className];
  if (!handle) return;
  event.preventDefault();
  handle(form);
});

// Actions in Outlook itself: a formal reply in the thread, the primary address in To.
function asHtmlParagraph(text) {
  const paragraph = document.createElement("p");
  paragraph.textContent = text;  // the greeting is text; the browser escapes it
  return paragraph.outerHTML;
}

panel.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-office]");
  if (!button) return;
  const item = Office.context.mailbox.item;
  if (button.dataset.office === "reply") {
    item.displayReplyForm({ htmlBody: asHtmlParagraph(button.dataset.greeting) });
  } else if (button.dataset.office === "greeting") {
    item.body.setSelectedDataAsync(`${button.dataset.greeting}\n`,
                                   { coercionType: Office.CoercionType.Text });
  } else if (button.dataset.office === "use-primary") {
    usePrimary(item, button.dataset.current, button.dataset.primary,
               button.dataset.keep === "cc");
  }
});

// The primary address goes to To in place of the current one (the other recipients stay);
// the current one moves to Cc or leaves the message, as the user chose.
function usePrimary(item, current, primary, keepInCc) {
  const replaced = current.toLowerCase();
  item.to.getAsync((result) => {
    const others = (result.value || []).filter(
      (one) => one.emailAddress.toLowerCase() !== replaced);
    item.to.setAsync([{ emailAddress: primary }, ...others], () => {
      if (!keepInCc) return showItem();
      item.cc.addAsync([{ emailAddress: current }], () => showItem());
    });
  });
}

// "Learn from my mailbox": start a run, then follow its progress (also one started earlier).
const backfill = document.getElementById("mm-backfill");
const backfillProgress = backfill.querySelector(".backfill-progress");

async function readBackfill() {
  const response = await fetch("/api/backfill",
                               { headers: { Authorization: `Bearer ${await token()}` } });
  return response.ok ? response.json() : null;
}

backfill.querySelector("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = event.target.querySelector("button");
  button.disabled = true;
  const response = await post("/api/backfill",
                              { months: Number(event.target.elements.months.value) })
    .catch(() => null);
  const answer = response ? await response.json().catch(() => null) : null;
  if (!response || !response.ok) {
    button.disabled = false;
    const problem = { backfill_unavailable: "backfill.unavailable",
                      consent_required: "backfill.consent_required" }[answer && answer.error];
    backfillProgress.textContent = strings[problem || "state.error"];
    return;
  }
  backfillProgress.textContent = describe(strings, answer);
  follow(backfillProgress, strings, readBackfill, learned);
});

// A run ended: Start works again, and a finished one shows in the panel (its history, the
// sender's other addresses) without reopening the message.
function learned(state) {
  backfill.querySelector("button").disabled = false;
  if (state === "done") showItem();
}

backfill.addEventListener("toggle", async () => {
  if (!backfill.open || backfillProgress.textContent) return;
  const answer = await readBackfill().catch(() => null);
  const state = answer && answer.backfill && answer.backfill.state;
  if (!state) return;
  backfillProgress.textContent = describe(strings, answer);
  if (state !== "running" && state !== "waiting") return;
  backfill.querySelector("button").disabled = true;  // one run at a time; Start once it ended
  follow(backfillProgress, strings, readBackfill, learned);
});

Office.onReady(() => {
  showItem();
  if (Office.context.mailbox.addHandlerAsync) {
    Office.context.mailbox.addHandlerAsync(Office.EventType.ItemChanged, showItem);
  }
});
