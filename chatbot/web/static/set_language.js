// After a language change: the page's lang attribute (screen readers pronounce by it), and the
// feedback line marked as a polite live region.
(lang) => {
  document.documentElement.lang = lang;
  const status = document.querySelector('#feedback-status');
  if (status) { status.setAttribute('role', 'status'); status.setAttribute('aria-live', 'polite'); }
  return lang;
}
