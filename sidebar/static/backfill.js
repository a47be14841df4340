// "Learn from my mailbox": the run's progress in words, read from the job every two seconds
// until it is done or stopped. Used by the Outlook pane and by Google's consent page.
const POLL_MS = 2000;
const MAX_FAILED_READS = 5;  // in a row: the server is gone or the sign-in expired

export function describe(strings, answer) {
  const job = answer && answer.backfill;
  if (!job) return "";
  const fill = (key) => (strings[key] || key).replace(/\{(\w+)\}/g, (_, name) =>
    String(name === "total" ? job.estimated_total : job[name]));
  if (job.state === "running") {
    return fill(job.estimated_total ? "backfill.running" : "backfill.running_unknown");
  }
  return fill(`backfill.${job.state}`);
}

// Polls while the run is running or waiting; then (or when reading keeps failing) ``ended``
// is told the final state (null when reading failed).
export function follow(element, strings, read, ended = () => {}) {
  let failed = 0;
  const tick = async () => {
    const answer = await read().catch(() => null);
    failed = answer ? 0 : failed + 1;
    if (answer) element.textContent = describe(strings, answer);
    const state = answer && answer.backfill && answer.backfill.state;
    const going = answer ? state === "running" || state === "waiting" : failed < MAX_FAILED_READS;
    if (going) setTimeout(tick, POLL_MS);
    else ended(state || null);
  };
  tick();
}

const page = document.querySelector(".backfill-progress[data-url]");
if (page) {
  const strings = JSON.parse(document.getElementById("mm-strings").textContent);
  follow(page, strings, async () => (await fetch(page.dataset.url)).json());
}
