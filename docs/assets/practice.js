// Practice: hide a question page's answer and reveal it section by section, mark what you
// knew, draw a random question by topic and level, follow your progress per topic.
//
// The answer (scripts/site_hooks/practice.py marks its headings with `practice-answer`):
// the 30-second answer, the detailed answer, the runnable example and the pitfalls, each
// from its H2 up to the next H2, whatever it holds (lists, tables, code, outputs, figures,
// downloads, collapsible blocks). The title, level, tags, the question (the quote under
// the title), the related questions and the other phrasings are the prompt and stay shown.
// Each answer section is moved into one <div class="practice-body">, hidden with the
// `hidden` attribute (extra.css makes that win over every display rule of the theme), so
// nothing inside it can stay visible. The text stays in the page: search and the copy
// buttons are unaffected.
//
// Everything is kept in this browser's localStorage, and nothing is sent anywhere:
//   interview-bank-practice          "1" while practice mode is on
//   interview-bank-marks             {"<topic>/<id>": "known" | "review"}, for both languages
//   interview-bank-practice-filter   the practice page's last topic, level and "skip known"
(function () {
  "use strict";
  const LANG = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const TEXT = {
    zh: {
      on: "练习模式：隐藏答案",
      off: "退出练习模式",
      reveal: "显示答案",
      hide: "隐藏答案",
      ask: "这道题你答上来了吗？",
      known: "我会了",
      review: "再复习",
      markedKnown: "已标记为“我会了”。",
      markedReview: "已加入待复习列表。",
      topicProgress: (k, n) => `本主题已掌握 ${k}/${n} 题。`,
      next: "随机下一题",
      progress: "查看练习进度",
      knownOf: (k, n) => `${k}/${n} 已掌握`,
      toReview: (r) => ` · 待复习 ${r}`,
      total: (n, k, r) => `共 ${n} 题：已掌握 ${k} 题，待复习 ${r} 题。`,
      count: (n, fresh, skip) =>
        n === 0
          ? "没有符合条件的题。"
          : !skip || fresh === n
            ? `符合条件的题：${n} 道。`
            : fresh === 0
              ? `符合条件的 ${n} 道题你都已掌握，将从中随机抽取。`
              : `符合条件的题：${n} 道，其中未掌握 ${fresh} 道。`,
      resetConfirm: "清除这个浏览器里的全部练习记录（我会了、再复习）？",
      resetDone: "进度已清除。",
    },
    en: {
      on: "Practice mode: hide the answers",
      off: "Leave practice mode",
      reveal: "Show answer",
      hide: "Hide answer",
      ask: "Did you know the answer?",
      known: "I knew it",
      review: "Review again",
      markedKnown: "Marked “I knew it”.",
      markedReview: "Added to your review list.",
      topicProgress: (k, n) => `This topic: ${k} of ${n} known.`,
      next: "Next random question",
      progress: "Your progress",
      knownOf: (k, n) => `${k}/${n} known`,
      toReview: (r) => ` · ${r} to review`,
      total: (n, k, r) => `${n} questions: ${k} known, ${r} to review.`,
      count: (n, fresh, skip) =>
        n === 0
          ? "No question matches."
          : !skip || fresh === n
            ? `${n} ${n === 1 ? "question matches" : "questions match"}.`
            : fresh === 0
              ? `You knew all ${n} matching questions; the draw takes any of them.`
              : `${n} questions match, ${fresh} not known yet.`,
      resetConfirm: "Clear all your practice marks (I knew it, review again) in this browser?",
      resetDone: "Progress cleared.",
    },
  }[LANG];
  const MODE = "interview-bank-practice";
  const MARKS = "interview-bank-marks";
  const FILTER = "interview-bank-practice-filter";

  function load(key, fallback) {
    try {
      const value = JSON.parse(localStorage.getItem(key));
      return value && typeof value === "object" ? value : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      localStorage.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    } catch (error) {
      // storage disabled (private mode, quota): practice still works for this page
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    if (tag === "button") node.type = "button";
    return node;
  }

  // A question page -------------------------------------------------------------------
  function questionPage(data) {
    const article = data.parentElement;
    const key = data.dataset.question;
    const topic = key.split("/")[0];
    const practiceUrl = data.dataset.practiceUrl;
    const headings = Array.from(article.querySelectorAll("h2.practice-answer"));
    if (!headings.length) return;

    const sections = headings.map((heading, i) => {
      const body = element("div", "practice-body");
      body.id = `practice-answer-${i + 1}`;
      let node = heading.nextElementSibling;
      while (node && node.tagName !== "H2" && node !== data) {
        const next = node.nextElementSibling;
        body.appendChild(node);
        node = next;
      }
      const reveal = element("button", "practice-btn practice-reveal practice-ui");
      reveal.setAttribute("aria-controls", body.id);
      heading.after(reveal, body);
      const section = { body, reveal };
      reveal.addEventListener("click", () => show(section, body.hidden));
      return section;
    });

    function show(section, visible) {
      section.body.hidden = !visible;
      section.reveal.setAttribute("aria-expanded", String(visible));
      section.reveal.textContent = visible ? TEXT.hide : TEXT.reveal;
    }

    // The marks, after the last answer section.
    const panel = element("div", "practice-panel practice-ui");
    panel.setAttribute("role", "group");
    const ask = element("p", "practice-panel__title", TEXT.ask);
    ask.id = "practice-panel-title";
    panel.setAttribute("aria-labelledby", ask.id);
    const buttons = element("p", "practice-actions");
    const marks = { known: TEXT.known, review: TEXT.review };
    const markButtons = Object.entries(marks).map(([mark, label]) => {
      const button = element("button", "practice-btn practice-mark", label);
      button.dataset.mark = mark;
      button.addEventListener("click", () => {
        const all = load(MARKS, {});
        if (all[key] === mark) delete all[key];
        else all[key] = mark;
        save(MARKS, all);
        renderMarks();
      });
      buttons.append(button, " ");
      return button;
    });
    const status = element("p", "practice-status");
    status.setAttribute("aria-live", "polite");
    const links = element("p", "practice-links");
    const next = element("a", "practice-btn practice-next", TEXT.next);
    next.href = `${practiceUrl}?draw=1&not=${encodeURIComponent(key)}`;
    const progress = element("a", "practice-btn practice-progress-link", TEXT.progress);
    progress.href = practiceUrl;
    links.append(next, " ", progress);
    panel.append(ask, buttons, status, links);
    sections[sections.length - 1].body.after(panel);

    function renderMarks() {
      const all = load(MARKS, {});
      markButtons.forEach((b) => b.setAttribute("aria-pressed", String(all[key] === b.dataset.mark)));
      const size = Number(data.dataset.topicSize);
      const known = Object.keys(all).filter((k) => k.startsWith(`${topic}/`) && all[k] === "known");
      const mark = { known: TEXT.markedKnown, review: TEXT.markedReview }[all[key]] || "";
      status.textContent = `${mark} ${TEXT.topicProgress(Math.min(known.length, size), size)}`.trim();
    }

    const toggle = element("button", "practice-btn practice-toggle");
    function apply(on) {
      toggle.textContent = on ? TEXT.off : TEXT.on;
      toggle.setAttribute("aria-pressed", String(on));
      sections.forEach((section) => {
        show(section, !on);
        section.reveal.hidden = !on;
      });
      panel.hidden = !on;
      if (on) renderMarks();
    }
    toggle.addEventListener("click", () => {
      const on = toggle.getAttribute("aria-pressed") !== "true";
      save(MODE, on ? "1" : "0");
      apply(on);
    });
    const level = article.querySelector(".question-level");
    (level || article.querySelector("h1")).after(toggle);

    // Opened by "random question": practice mode on, and the address kept clean.
    const params = new URLSearchParams(location.search);
    if (params.get("practice") === "1") {
      save(MODE, "1");
      params.delete("practice");
      const query = params.toString();
      history.replaceState(history.state, "", location.pathname + (query ? `?${query}` : "") + location.hash);
    }
    apply(localStorage.getItem(MODE) === "1");

    // A link to a heading inside a hidden answer (the table of contents, search) reveals it.
    function revealTarget() {
      let target = null;
      try {
        target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
      } catch (error) {
        return;
      }
      const section = target && sections.find((s) => s.body.contains(target));
      if (section && section.body.hidden) {
        show(section, true);
        target.scrollIntoView();
      }
    }
    window.addEventListener("hashchange", revealTarget);
    revealTarget();
    window.addEventListener("storage", (event) => {
      if (event.key === MARKS && !panel.hidden) renderMarks();
    });
  }

  // The practice page -----------------------------------------------------------------
  function practicePage(app) {
    const questions = JSON.parse(app.dataset.questions);
    const topicSelect = document.getElementById("practice-topic");
    const levelSelect = document.getElementById("practice-level");
    const skipKnown = document.getElementById("practice-skip-known");
    const random = document.getElementById("practice-random");
    const count = document.getElementById("practice-count");
    const topicTitles = {};
    Array.from(topicSelect.options).forEach((o) => (topicTitles[o.value] = o.textContent));

    const filter = load(FILTER, {});
    const has = (select, value) => Array.from(select.options).some((o) => o.value === value);
    if (has(topicSelect, filter.topic)) topicSelect.value = filter.topic;
    if (has(levelSelect, filter.level)) levelSelect.value = filter.level;
    if (typeof filter.skipKnown === "boolean") skipKnown.checked = filter.skipKnown;

    function candidates() {
      const marks = load(MARKS, {});
      const matching = questions.filter(
        (q) => (!topicSelect.value || q.topic === topicSelect.value) && (!levelSelect.value || q.level === levelSelect.value),
      );
      const fresh = matching.filter((q) => marks[q.key] !== "known");
      return { matching, fresh };
    }

    function renderCount() {
      const { matching, fresh } = candidates();
      count.textContent = TEXT.count(matching.length, fresh.length, skipKnown.checked);
      random.disabled = matching.length === 0;
    }

    function draw(not) {
      const { matching, fresh } = candidates();
      let pool = skipKnown.checked && fresh.length ? fresh : matching;
      if (pool.length > 1) pool = pool.filter((q) => q.key !== not);
      if (!pool.length) return false;
      const question = pool[Math.floor(Math.random() * pool.length)];
      location.assign(`${question.url}?practice=1`);
      return true;
    }

    [topicSelect, levelSelect, skipKnown].forEach((control) =>
      control.addEventListener("change", () => {
        save(FILTER, { topic: topicSelect.value, level: levelSelect.value, skipKnown: skipKnown.checked });
        renderCount();
      }),
    );
    random.addEventListener("click", () => draw());

    // "Next random question" on a question page: draw at once with the saved filters.
    const params = new URLSearchParams(location.search);
    if (params.get("draw") === "1") {
      history.replaceState(history.state, "", location.pathname);
      if (draw(params.get("not"))) return;
    }

    const total = document.getElementById("practice-total");
    const reviewList = document.getElementById("practice-review-list");
    const reviewEmpty = document.getElementById("practice-review-empty");
    function renderProgress() {
      const marks = load(MARKS, {});
      let known = 0;
      let review = 0;
      document.querySelectorAll("#practice-progress li[data-topic]").forEach((item) => {
        const inTopic = questions.filter((q) => q.topic === item.dataset.topic);
        const k = inTopic.filter((q) => marks[q.key] === "known").length;
        const r = inTopic.filter((q) => marks[q.key] === "review").length;
        known += k;
        review += r;
        item.querySelector("progress").value = k;
        item.querySelector(".practice-known").textContent = TEXT.knownOf(k, inTopic.length);
        item.querySelector(".practice-to-review").textContent = r ? TEXT.toReview(r) : "";
      });
      total.textContent = TEXT.total(questions.length, known, review);
      reviewList.replaceChildren(
        ...questions
          .filter((q) => marks[q.key] === "review")
          .map((q) => {
            const item = element("li");
            const link = element("a", "", q.title);
            link.href = `${q.url}?practice=1`;
            item.append(link, element("span", "practice-review__topic", ` · ${topicTitles[q.topic]}`));
            return item;
          }),
      );
      reviewList.hidden = !reviewList.children.length;
      reviewEmpty.hidden = !reviewList.hidden;
      renderCount();
    }

    const resetStatus = document.getElementById("practice-reset-status");
    document.getElementById("practice-reset").addEventListener("click", () => {
      if (!window.confirm(TEXT.resetConfirm)) return;
      try {
        localStorage.removeItem(MARKS);
      } catch (error) {
        // nothing stored
      }
      renderProgress();
      resetStatus.textContent = TEXT.resetDone;
    });
    window.addEventListener("storage", (event) => {
      if (event.key === MARKS) renderProgress();
    });
    renderProgress();
  }

  function setup() {
    const data = document.querySelector("article .practice-data");
    if (data) questionPage(data);
    const app = document.getElementById("practice-app");
    if (app) practicePage(app);
  }

  // The script comes after the article in the page: set up before the first paint where
  // possible, so that practice mode never shows the answers for a moment.
  if (document.querySelector("article .practice-data, #practice-app") || document.readyState !== "loading") {
    setup();
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
