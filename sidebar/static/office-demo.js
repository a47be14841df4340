// A stand-in for Office.js in the demo: the demo message chosen in the inbox is the open item;
// sign-in is the demo user's. Outlook's own actions are shown to the inbox page instead.
(() => {
  const number = new URLSearchParams(location.search).get("demo");
  const ok = (value) => ({ status: "succeeded", value });
  window.Office = {
    CoercionType: { Text: "text" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { ItemChanged: "olkItemSelectedChanged" },
    auth: { getAccessToken: async () => "demo" },
    context: {
      displayLanguage: new URLSearchParams(location.search).get("lang") || navigator.language,
      mailbox: { item: null, addHandlerAsync() {} },
    },
    onReady(callback) {
      fetch(`/demo/messages/${number}`).then((response) => response.json()).then((fields) => {
        const body = fields.body;
        Office.context.mailbox.item = {
          ...fields,
          body: { getAsync(type, done) { done(ok(body)); } },
          displayReplyForm(options) {
            window.parent.postMessage({ reply: options.htmlBody }, location.origin);
          },
        };
        callback({ host: "Outlook" });
      });
    },
  };
})();
