// Practice mode: hide the short and detailed answers of a question page, reveal them one
// by one. The answers stay in the page (search and the copy buttons are unaffected); they
// are only hidden with a class. The choice is remembered in localStorage.
(function () {
  "use strict";
  const TEXT = {
    zh: { on: "练习模式：隐藏答案", off: "退出练习模式", reveal: "显示答案" },
    en: { on: "Practice mode: hide the answers", off: "Leave practice mode", reveal: "Show answer" },
  };
  const KEY = "interview-bank-practice";

  function sectionOf(heading) {
    const nodes = [];
    for (let n = heading.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) {
      nodes.push(n);
    }
    return nodes;
  }

  function setup() {
    const headings = document.querySelectorAll("article h2.practice-answer");
    if (!headings.length) return;
    const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
    const text = TEXT[lang];
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "md-button practice-toggle";
    const reveals = [];

    function apply(on) {
      toggle.textContent = on ? text.off : text.on;
      toggle.setAttribute("aria-pressed", String(on));
      headings.forEach((heading, i) => {
        sectionOf(heading).forEach((node) => {
          if (node !== reveals[i]) node.classList.toggle("practice-hidden", on);
        });
        reveals[i].hidden = !on;
      });
    }

    headings.forEach((heading) => {
      const reveal = document.createElement("button");
      reveal.type = "button";
      reveal.className = "md-button md-button--primary practice-reveal";
      reveal.textContent = text.reveal;
      reveal.hidden = true;
      reveal.addEventListener("click", () => {
        sectionOf(heading).forEach((node) => node.classList.remove("practice-hidden"));
        reveal.hidden = true;
      });
      heading.insertAdjacentElement("afterend", reveal);
      reveals.push(reveal);
    });
    toggle.addEventListener("click", () => {
      const on = toggle.getAttribute("aria-pressed") !== "true";
      localStorage.setItem(KEY, on ? "1" : "0");
      apply(on);
    });
    const level = document.querySelector("article .question-level");
    (level || document.querySelector("article h1")).insertAdjacentElement("afterend", toggle);
    apply(localStorage.getItem(KEY) === "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
