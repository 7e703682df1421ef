// Refreshes the parts of a page marked data-atualizar every few seconds, so new tickets and new
// messages from the beneficiary appear without reloading. No framework, no build step.
(function () {
  "use strict";
  var INTERVALO = 3000;
  function atualizar(el) {
    fetch(el.getAttribute("data-atualizar"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || html === el.innerHTML) { return; }
        var noFim = el.scrollTop + el.clientHeight >= el.scrollHeight - 20;
        el.innerHTML = html;
        if (noFim) { el.scrollTop = el.scrollHeight; }  // follow new messages unless the agent scrolled up
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var conversa = document.getElementById("conversa");
    if (conversa) { conversa.scrollTop = conversa.scrollHeight; }
    var alvos = document.querySelectorAll("[data-atualizar]");
    alvos.forEach(function (el) { setInterval(function () { atualizar(el); }, INTERVALO); });
  });
})();
