// When a turn starts: focus Stop, so a keyboard user can stop the answer at once, and scroll the
// question to the top of the chat so the answer grows below it from its first line. (Gradio's
// autoscroll, turned off, would follow the stream to the bottom and leave a phone user at "Sources".)
() => {
  document.querySelector('#stop')?.focus();
  setTimeout(() => {
    const asked = document.querySelectorAll('#chat [data-testid=user]');
    const row = asked.length ? (asked[asked.length - 1].closest('.message-row') || asked[asked.length - 1]) : null;
    let view = row && row.parentElement;
    while (view && !/auto|scroll/.test(getComputedStyle(view).overflowY)) view = view.parentElement;
    if (view && view !== document.documentElement && view !== document.body) {
      view.scrollTop += row.getBoundingClientRect().top - view.getBoundingClientRect().top - 8;
    }
  }, 100);
}
