// "Learn from my mailbox": the run's progress in words, read from the job every two seconds
// until it is done or stopped. Used by the Outlook pane and by Google's consent page.
const POLL_MS = 2000;

export function describe(strings, answer) {
  const job = answer && answer.backfill;
  if (!job) return answer && answer.starting ? strings["backfill.starting"] : "";
  const fill = (key) => (strings[key] || key).replace(/\{(\w+)\}/g, (_, name) =>
    String(name === "total" ? job.estimated_total : job[name]));
  if (job.state === "running") {
    return fill(job.estimated_total ? "backfill.running" : "backfill.running_unknown");
  }
  return fill(`backfill.${job.state}`);
}

export function follow(element, strings, read) {
  const tick = async () => {
    const answer = await read().catch(() => null);
    if (answer) element.textContent = describe(strings, answer);
    const state = answer && answer.backfill && answer.backfill.state;
    if (state !== "done" && state !== "failed") setTimeout(tick, POLL_MS);
  };
  tick();
}

const page = document.querySelector(".backfill-progress[data-url]");
if (page) {
  const strings = JSON.parse(document.getElementById("mm-strings").textContent);
  follow(page, strings, async () => (await fetch(page.dataset.url)).json());
}
