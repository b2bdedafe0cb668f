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
  // Copy buttons only make sense with JavaScript, so they start hidden.
  document.querySelectorAll('[data-copy]').forEach(function (button) { button.hidden = false; });
})();
