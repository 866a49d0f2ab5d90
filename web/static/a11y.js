// Accessibility repairs the Gradio components cannot be asked for through their Python API
// (BITV 2.0 / WCAG 2.1 AA; checked by tests/e2e/test_accessibility.py with axe-core).
// Gradio re-renders its components at any time, so the repairs run again on every DOM change.
(() => {
  const TEXTS = {
    de: { title: "Anmeldung – Strategie-Assistent", examples: "Beispielfragen", log: "Gesprächsverlauf",
          answer: "Antwort: " },
    en: { title: "Sign in – Strategy Assistant", examples: "Example questions", log: "Conversation",
          answer: "Answer: " },
  };
  const language = () => {
    const checked = document.querySelector("#sa-language input:checked");
    return checked && checked.value === "en" ? "en" : "de";
  };
  let announced = "";
  let focusLost = false;

  function repair() {
    const lang = language();
    const text = TEXTS[lang];
    const root = document.documentElement;
    // The page is German first; Gradio would take the browser's locale instead.
    if (root.lang !== lang) root.lang = lang;
    if (!document.title.trim()) document.title = text.title;  // the login form has no title of its own
    // Upload areas: an English aria-label hid the visible (translated) text from speech input users.
    document.querySelectorAll("button.upload-container[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
    // An empty file output is a decorative icon with an aria-label that a plain div may not carry.
    document.querySelectorAll("div.empty[aria-label]:not([role])").forEach((d) => {
      d.removeAttribute("aria-label");
      d.setAttribute("aria-hidden", "true");
    });
    // The example questions are buttons in a role=list without list items: a named group instead.
    document.querySelectorAll("#sa-chatbot .examples[role=list]").forEach((e) => {
      e.setAttribute("role", "group");
      e.setAttribute("aria-label", text.examples);
    });
    // The conversation log speaks every streamed token; the answer is announced once, complete, below.
    document.querySelectorAll("#sa-chatbot [role=log]").forEach((log) => {
      if (log.getAttribute("aria-live") !== "off") log.setAttribute("aria-live", "off");
      if (log.getAttribute("aria-label") !== text.log) log.setAttribute("aria-label", text.log);
    });
    announce(text);
    restoreFocus();
  }

  // Gradio disables the question box while it answers and removes the chat's clear button once the
  // chat is empty: focus then falls to the page start. Keyboard users get it back in the question box.
  function watchFocus() {
    document.addEventListener("focusout", (event) => {
      const left = event.target;
      if (!left.closest || !left.closest("#sa-question, #sa-chatbot")) return;
      setTimeout(() => {
        const nowhere = !document.activeElement || document.activeElement === document.body;
        if (nowhere && (left.disabled || !left.isConnected)) { focusLost = true; restoreFocus(); }
      }, 0);
    });
    document.addEventListener("focusin", () => { focusLost = false; });
  }

  function restoreFocus() {
    if (!focusLost) return;
    const box = document.querySelector("#sa-question textarea");
    if (box && !box.disabled && (!document.activeElement || document.activeElement === document.body)) {
      box.focus();
    }
  }

  function announce(text) {
    const live = document.getElementById("sa-live");
    const answers = document.querySelectorAll("#sa-chatbot .sa-answer, #sa-chatbot .sa-notice");
    const last = answers[answers.length - 1];
    if (!live || !last || last.classList.contains("sa-streaming")) return;
    const said = last.innerText.trim();
    if (said && said !== announced) {
      announced = said;
      live.textContent = text.answer + said;
    }
  }

  function start() {
    if (!document.getElementById("sa-live")) {
      const live = document.createElement("div");
      live.id = "sa-live";
      live.className = "sa-visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; repair(); });
    }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ["lang", "aria-label", "role", "class", "checked", "disabled"] });
    watchFocus();
    repair();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
