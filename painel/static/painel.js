// Refreshes the parts of a page marked data-atualizar every few seconds, so new tickets and new
// messages from the beneficiary appear without reloading. Keeps what an agent types in a ticket's boxes in
// this browser until the console confirms it was saved, so an ended session or a refused post loses nothing.
// No framework, no build step.
(function () {
  "use strict";
  var INTERVALO = 3000;
  var avisado = false;
  function sessaoTerminou() {
    if (avisado) { return; }
    avisado = true;
    var aviso = document.createElement("p");
    aviso.className = "erro";
    aviso.setAttribute("role", "alert");
    aviso.innerHTML = 'Sua sessão terminou: <a href="/entrar?volta=' +
      encodeURIComponent(location.pathname) + '">entre de novo</a>. O que você escreveu fica guardado.';
    document.querySelector("main, body").prepend(aviso);
  }
  function atualizar(el) {
    fetch(el.getAttribute("data-atualizar"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) { sessaoTerminou(); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html === null || html === el.innerHTML) { return; }
        var noFim = el.scrollTop + el.clientHeight >= el.scrollHeight - 20;
        el.innerHTML = html;
        if (noFim) { el.scrollTop = el.scrollHeight; }  // follow new messages unless the agent scrolled up
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  // Drafts belong to the agent who wrote them (u18: Bruna's draft, a CPF in it, filled Carlos's box on the same
  // computer after she signed out): the key names the agent, and "Sair" takes that agent's drafts away.
  var AGENTE = document.body.getAttribute("data-agente") || "";
  function esquecerRascunhos(prefixo) {
    Object.keys(localStorage).forEach(function (chave) {
      if (chave.indexOf(prefixo) === 0) { localStorage.removeItem(chave); }
    });
  }
  function rascunhos() {
    esquecerRascunhos("atende:/chamados");  // drafts kept before they had an owner
    var chamado = location.pathname.match(/^\/chamados\/\d+/);
    if (!chamado || !AGENTE) { return; }
    // A confirmation after this box's own post means it was saved: its draft is done with.
    var salvo = document.querySelector("[role=status]");
    document.querySelectorAll("form textarea[name]").forEach(function (caixa) {
      var chave = "atende:" + AGENTE + ":" + chamado[0] + ":" + caixa.form.getAttribute("action");
      var contador = document.createElement("small");
      var limite = caixa.getAttribute("maxlength");
      function contar() { if (limite) { contador.textContent = caixa.value.length + " de " + limite + " caracteres"; } }
      if (limite) { caixa.removeAttribute("maxlength"); caixa.after(contador); }  // a long paste is not cut silently
      var enviado = chave + ":enviado";
      if (salvo && localStorage.getItem(enviado)) { localStorage.removeItem(chave); }
      else if (!caixa.value && localStorage.getItem(chave)) { caixa.value = localStorage.getItem(chave); }
      localStorage.removeItem(enviado);
      caixa.form.addEventListener("submit", function () { localStorage.setItem(enviado, "1"); });
      contar();
      caixa.addEventListener("input", function () {
        localStorage.setItem(chave, caixa.value);
        contar();
        contador.className = limite && caixa.value.length > Number(limite) ? "erro" : "";
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var conversa = document.getElementById("conversa");
    if (conversa) { conversa.scrollTop = conversa.scrollHeight; }
    var alvos = document.querySelectorAll("[data-atualizar]");
    alvos.forEach(function (el) { setInterval(function () { atualizar(el); }, INTERVALO); });
    rascunhos();
    var sair = document.querySelector("form[action='/sair']");
    if (sair && AGENTE) {
      sair.addEventListener("submit", function () { esquecerRascunhos("atende:" + AGENTE + ":"); });
    }
    // The confirmation is shown once: reloading the page must not say again that a reply was sent.
    if (/[?&](aviso|erro)=/.test(location.search)) {
      history.replaceState(null, "", location.pathname);
    }
    // An action that takes the conversation away from the agent asks first (it sat next to "Assumir").
    document.querySelectorAll("form[data-confirmar]").forEach(function (form) {
      form.addEventListener("submit", function (evento) {
        if (!window.confirm(form.getAttribute("data-confirmar"))) { evento.preventDefault(); }
      });
    });
  });
})();
