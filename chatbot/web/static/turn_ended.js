// After the answer: focus back in the question box if it was lost when the box was disabled.
() => {
  const box = document.querySelector('#question textarea');
  if (box && (document.activeElement === document.body || !document.activeElement)) box.focus({preventScroll: true});
}
