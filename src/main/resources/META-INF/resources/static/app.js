// Portcullis: the little JavaScript the pages use. Everything works without it; it only adds copy buttons.
(function () {
  'use strict';
  function copy(text, button) {
    function done() {
      var label = button.textContent;
      button.textContent = 'Copied';
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    // Plain http: select the text so Ctrl+C works, and try the old command.
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); done(); } finally { document.body.removeChild(area); }
  }
  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-copy]');
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (source) { copy(source.textContent.trim(), button); }
  });
})();
