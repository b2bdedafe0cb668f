// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Quick exit: leave at once and replace this page in the history, so "back" does not return.
  function leave(href) {
    try { document.body.hidden = true; } catch (e) { /* nothing to hide */ }
    window.location.replace(href);
  }
  document.addEventListener('click', function (event) {
    var exit = event.target.closest && event.target.closest('[data-quick-exit]');
    if (exit) { event.preventDefault(); leave(exit.href); return; }
    var copy = event.target.closest && event.target.closest('[data-copy]');
    if (copy && navigator.clipboard) {
      var text = document.getElementById(copy.getAttribute('data-copy'));
      if (text) navigator.clipboard.writeText(text.textContent.trim()).then(function () {
        copy.textContent = copy.getAttribute('data-copied') || copy.textContent;
      });
    }
  });
  // Pressing Escape three times quickly also leaves.
  var presses = [];
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1500; }).concat(now);
    var exit = document.querySelector('[data-quick-exit]');
    if (presses.length >= 3 && exit) leave(exit.href);
  });
  // Copy buttons, and the promise that Escape leaves, only hold with JavaScript: they start hidden.
  if (navigator.clipboard) document.querySelectorAll('[data-copy]').forEach(function (button) { button.hidden = false; });
  document.querySelectorAll('[data-js-only]').forEach(function (element) { element.hidden = false; });
  // The recovery shares: a print button, and a warning before leaving the page unconfirmed,
  // since nothing can show the shares again.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
  var keep = document.querySelector('[data-keep-until-sent]');
  if (keep) {
    var warn = function (event) { event.preventDefault(); event.returnValue = ''; };
    window.addEventListener('beforeunload', warn);
    keep.addEventListener('submit', function () { window.removeEventListener('beforeunload', warn); });
  }
})();
