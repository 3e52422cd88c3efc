/*
 * The site's search engine: a drop-in replacement for Material's lunr search worker.
 *
 * Material's page script (search box, keyboard shortcuts, result list, highlighting) is
 * unchanged. It fetches search/search_index.json (one per language, written by
 * scripts/site_hooks/search.py) and talks to this worker with Material's four messages:
 * SETUP (the index) -> READY, QUERY (the text typed) -> RESULT (groups of documents, one
 * group per page). scripts/site_hooks/search.py points Material's configuration at
 * this file.
 *
 * Segmentation. The same function, tokens() below, segments the documents (when the
 * worker builds its index from search_index.json) and the query, so the two can never
 * disagree. Chinese text is cut into overlapping character bigrams (and single
 * characters), after dropping question words (怎么, 如何, 什么, 的 ...) that would
 * otherwise glue terms together; Latin words inside Chinese text (loss, AUC, F1, int8,
 * bf16, all-reduce, KV cache) are words of their own, lowercased and lightly stemmed.
 *
 * Vocabulary (scripts/data/search_synonyms.yml, and the zh/en pairs of the glossary,
 * scripts/data/terms.yml). config.synonyms are groups of interchangeable phrases: a query
 * phrase found in a group also matches every other phrase of that group, at a lower
 * weight; config.aliases widen a reader's phrase (多卡) to the field's (分布式) one way
 * only; config.weak are words that say what kind of answer is wanted (区别, 原理): a page
 * that lacks them is not penalized as one that lacks the topic.
 *
 * Ranking. A page is scored on its fields: title, the 30-second answer with the question
 * itself, the other phrasings, the tags, the section headings and the rest of the text,
 * in that order of weight, with the rarer query terms counting more (BM25-like), a bonus
 * when a query phrase appears verbatim in the title or the answer, and a penalty for
 * pages that match only part of the query. Topic index pages, the glossary, the tags
 * page, the execution report and the other pages that are not questions rank below the
 * question pages. Results are grouped per page, the page's best-matching sections under
 * it.
 */
"use strict"

/* ----------------------------------------------------------------------------------
 * Segmentation: text -> tokens
 * ------------------------------------------------------------------------------- */

/* Chinese question words and particles: they separate the terms of a query. */
const ZH_STOP = [
  "怎么办", "怎么样", "怎么", "怎样", "如何", "为什么", "为何", "什么", "哪些", "哪个",
  "哪种", "是不是", "是否", "有没有", "能不能", "请问", "一下", "一般", "吗", "呢", "吧",
  "啊", "呀", "么", "的", "了", "和", "与", "及", "或"
]
const ZH_STOP_RE = new RegExp(ZH_STOP.join("|"), "g")

const EN_STOP = new Set((
  "a an and are as at be been by can could do does did for from had has have how i if in " +
  "into is it its me my of on or our should so than that the their them then there these " +
  "this to was we were what when where which who why will with would you your vs versus"
).split(" "))

const HAN = "\\p{Script=Han}"
const WORD = "[\\p{L}\\p{N}]"
/* A run of Chinese characters, or a Latin word with its joined parts (all-reduce, torch.compile). */
const TOKEN_RE = new RegExp(
  `(${HAN}+)|((?:(?!${HAN})${WORD})+(?:[-_.'](?:(?!${HAN})${WORD})+)*)`, "gu"
)
const FILE_EXT_RE = /\.(py|ipynb|png|out|md|json|ya?ml|txt|csv)$/i   /* overfitting_curves.py */
const CAMEL_RE = /(?<=[a-z0-9])(?=[A-Z][a-z])/

/* A light English stemmer: plurals, -ing, -ed, -ly, -ation/-ize families. */
function stem(word) {
  if (word.length < 4 || /\d/.test(word)) return word
  let w = word
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y"
  else if (w.endsWith("sses")) w = w.slice(0, -2)
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1)
  const suffixes = [
    ["izations", "iz"], ["ization", "iz"], ["isation", "iz"], ["ational", "ate"],
    ["ations", "ate"], ["ation", "ate"], ["ness", ""], ["ments", ""], ["ment", ""],
    ["ingly", ""], ["edly", ""], ["ing", ""], ["ed", ""], ["ly", ""], ["izer", "iz"],
    ["ize", "iz"], ["ise", "iz"], ["ities", ""], ["ity", ""], ["er", ""]
  ]
  for (const [suffix, replacement] of suffixes)
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + replacement
      if (/([^aeioulsz])\1$/.test(w)) w = w.slice(0, -1)   /* overfitt -> overfit */
      break
    }
  if (w.endsWith("e") && w.length > 4) w = w.slice(0, -1)   /* decrease -> decreas */
  return w
}

/* Normalization shared by documents and queries: full-width forms, case, zero-width spaces. */
function normalize(text) {
  return text.normalize("NFKC").replace(/[\u200b\u00ad]/g, "")
}

/* One Latin word (with its joined parts) as a unit; memoized, words repeat a lot */
const latinCache = [new Map(), new Map()]
function latinUnit(raw, keepStopwords) {
  const cache = latinCache[+keepStopwords]
  if (cache.has(raw)) return cache.get(raw)
  const parts = raw.replace(FILE_EXT_RE, "").split(/[-_.']/).flatMap(part => part.split(CAMEL_RE))
    .map(part => part.toLowerCase()).filter(Boolean)
  const tokens = []
  for (const part of parts)
    if (part.length > 1 || /\d/.test(part))
      if (keepStopwords || !EN_STOP.has(part)) tokens.push(stem(part))
  if (parts.length > 1) {
    const compound = parts.filter(part => !/^\d+$/.test(part)).join("")
    if (compound.length > 1 && compound.length <= 24) tokens.push(stem(compound))
  }
  const unit = tokens.length ? { text: raw.toLowerCase(), tokens, han: false } : null
  if (cache.size < 50000) cache.set(raw, unit)
  return unit
}

/*
 * Segment text into tokens. Each unit is one Latin word (all its tokens) or one run of
 * Chinese text between question words (its bigrams): the query side uses the units as
 * the clauses of the query.
 */
function units(text, keepStopwords = false) {
  const out = []
  for (const match of normalize(text).matchAll(TOKEN_RE)) {
    if (match[1]) {
      for (const run of match[1].split(ZH_STOP_RE)) {
        if (!run) continue
        const tokens = []
        if (run.length === 1) tokens.push(run)
        for (let i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2))
        out.push({ text: run, tokens, han: true })
      }
    } else {
      const unit = latinUnit(match[2], keepStopwords)
      if (unit) out.push(unit)
    }
  }
  return out
}

/* Every token of a text: the index side. Chinese runs also give their single characters. */
function tokens(text) {
  const out = []
  for (const unit of units(text, true)) {
    out.push(...unit.tokens)
    if (unit.han && unit.text.length > 1) out.push(...unit.text)
  }
  return out
}

/* A phrase in the form used to look for it verbatim: normalized, lowercase, no spaces. */
function compact(text) {
  return normalize(text).toLowerCase().replace(/\s+/g, "")
}

/* A phrase as the synonym table and the query are compared: lowercase, single spaces, no
 * space next to a Chinese character ("loss 不下降" = "loss不下降"). */
function phraseForm(text) {
  return normalize(text).toLowerCase()
    .replace(/\s+/g, " ").trim()
    .replace(/(\p{Script=Han}) | (?=\p{Script=Han})/gu, "$1")
}

/* Where a phrase occurs in a text, as whole words at its Latin ends; -1 if nowhere */
function findPhrase(text, phrase) {
  const alnum = /[a-z0-9]/
  for (let at = text.indexOf(phrase); at >= 0; at = text.indexOf(phrase, at + 1)) {
    const end = at + phrase.length
    if (alnum.test(phrase[0]) && at > 0 && alnum.test(text[at - 1])) continue
    if (alnum.test(phrase[phrase.length - 1]) && end < text.length && alnum.test(text[end])) continue
    return at
  }
  return -1
}

/* ----------------------------------------------------------------------------------
 * The index
 * ------------------------------------------------------------------------------- */

/* Page fields and their weights. */
const FIELDS = ["title", "answer", "phrasings", "tags", "headings", "body"]
const WEIGHTS = [8, 4, 3, 3, 1.5, 1]
const BODY = 5
const K1 = 1.2
const B = 0.75
const SYNONYM_WEIGHT = 0.85
const PREFIX_WEIGHT = 0.7
const OTHER_PAGE_PRIOR = 0.15   /* topic indexes, glossary, tags, report, home ... */
const WEAK_WEIGHT = 0.3         /* words that say what kind of answer is wanted (区别, 原理) */

class Index {
  constructor({ config, docs, options }) {
    this.options = options || {}
    this.pages = []
    this.sections = []
    this.postings = new Map()     /* token -> [[page, Float32Array(fields)]] */
    const byPath = new Map()
    for (const doc of docs) {
      const [path] = doc.location.split("#")
      let page = byPath.get(path)
      if (!page) {
        page = {
          id: this.pages.length, path, doc, question: doc.kind !== "other",
          texts: FIELDS.map(() => []), tokens: FIELDS.map(() => []), sections: []
        }
        byPath.set(path, page)
        this.pages.push(page)
        page.texts[0].push(doc.title)
        page.texts[1].push(doc.text)
        page.texts[3].push(...(doc.tags || []))
      } else if (doc.role === "answer" || doc.role === "phrasings") {
        page.texts[doc.role === "answer" ? 1 : 2].push(doc.text)   /* for verbatim matches */
      }
      const title = tokens(doc.title)
      const text = tokens(`${doc.text} ${doc.code || ""}`)
      const section = {
        id: this.sections.length, page, doc, title: new Set(title), text: new Set(text)
      }
      this.sections.push(section)
      page.sections.push(section)
      /* the page's fields: the page's own entry gives title, answer (its intro) and tags */
      if (page.sections.length === 1) {
        page.tokens[0].push(...title)
        page.tokens[1].push(...text)
        page.tokens[3].push(...tokens((doc.tags || []).join(" ")))
      } else {
        page.tokens[4].push(...title)
        const field = doc.role === "answer" ? 1 : doc.role === "phrasings" ? 2 : BODY
        page.tokens[field].push(...text)
      }
    }

    /* Field term frequencies per page, document frequencies, body lengths */
    let bodyTotal = 0
    for (const page of this.pages) {
      page.compact = page.texts.slice(0, 4).map(texts => compact(texts.join(" ")))
      page.texts = null
      const counts = new Map()
      page.tokens.forEach((list, field) => {
        for (const token of list) {
          let tf = counts.get(token)
          if (!tf) counts.set(token, tf = new Float32Array(FIELDS.length))
          tf[field]++
          if (field === BODY) page.bodyLength = (page.bodyLength || 0) + 1
        }
      })
      bodyTotal += page.bodyLength || 0
      for (const [token, tf] of counts) {
        let list = this.postings.get(token)
        if (!list) this.postings.set(token, list = [])
        list.push([page, tf])
      }
    }
    this.bodyAverage = bodyTotal / Math.max(1, this.pages.length) || 1
    this.vocabulary = [...this.postings.keys()].filter(t => /^[a-z]/.test(t)).sort()
    const n = this.pages.length
    this.idfOf = df => Math.log(1 + (n - df + 0.5) / (df + 0.5))
    this.idf = token => this.idfOf(this.postings.get(token)?.length || 0)

    /* Synonym groups and one-way aliases: for every phrase, the phrases it also finds. A
       phrase is matched in the query without its spaces, but its tokens keep them: the
       words of "显存 不够" are matched separately (显存或算力不够 has both). */
    const expansions = new Map()
    const add = (members, targets) => {
      for (const member of new Set(members.map(phraseForm))) {
        if (!member) continue
        let set = expansions.get(member)
        if (!set) expansions.set(member, set = new Map())
        for (const target of targets) if (phraseForm(target)) set.set(phraseForm(target), target)
      }
    }
    for (const group of config.synonyms || []) add(group, group)
    for (const { say, find } of config.aliases || []) add(say, [...say, ...find])
    this.phrases = [...expansions].map(([member, group]) => ({ member, group: [...group] }))
    this.phrases.sort((a, b) => b.member.length - a.member.length)
    this.weak = new Set((config.weak || []).map(phraseForm))

    /* Words of the titles, for Material's search suggestions */
    this.titleWords = new Map()
    for (const page of this.pages)
      for (const word of page.doc.title.toLowerCase().match(/[a-z][a-z0-9-]{2,}/g) || [])
        this.titleWords.set(word, (this.titleWords.get(word) || 0) + 1)
  }

  /* How well a page matches one token, over its fields, in [0, 1] */
  tokenMatch(page, tf) {
    let score = 0
    for (let f = 0; f < FIELDS.length; f++) {
      if (!tf[f]) continue
      if (f === BODY) {
        const norm = K1 * (1 - B + B * (page.bodyLength || 0) / this.bodyAverage)
        score += WEIGHTS[f] * tf[f] * (K1 + 1) / (tf[f] + norm) / (K1 + 1)
      } else {
        score += WEIGHTS[f]
      }
    }
    return score / WEIGHTS.reduce((a, b) => a + b)
  }

  /* The pages that hold a token (or, for a prefix, the tokens it begins) */
  lookup(token, prefix) {
    const found = new Map()   /* page -> [match, present] */
    const add = (t, weight) => {
      for (const [page, tf] of this.postings.get(t) || []) {
        const match = weight * this.tokenMatch(page, tf)
        const prev = found.get(page)
        if (!prev || prev < match) found.set(page, match)
      }
    }
    add(token, 1)
    if (prefix && /^[a-z]/.test(token) && token.length >= 2) {
      let lo = 0, hi = this.vocabulary.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (this.vocabulary[mid] < token) lo = mid + 1
        else hi = mid
      }
      for (let i = lo, k = 0; i < this.vocabulary.length && k < 30; i++, k++) {
        const t = this.vocabulary[i]
        if (!t.startsWith(token)) break
        if (t !== token) add(t, PREFIX_WEIGHT)
      }
    }
    return found
  }

  /* The query, as clauses: each has one or more alternatives (synonyms), each a token list */
  parse(query) {
    let text = phraseForm(query)
    const clauses = []
    /* Synonym phrases first: longest first, not overlapping, Latin ones as whole words */
    for (const { member, group } of this.phrases) {
      const at = findPhrase(text, member)
      if (at < 0) continue
      text = text.slice(0, at) + " " + text.slice(at + member.length)
      clauses.push({
        surface: member,
        alternatives: group.map(([phrase, raw]) => ({
          phrase, compact: phrase.replace(/ /g, ""),
          words: units(raw, true).map(u => u.text).join(" "),
          weight: phrase === member ? 1 : SYNONYM_WEIGHT,
          units: units(raw).map(u => u.tokens),
          tokens: [...new Set(units(raw).flatMap(u => u.tokens))]
        })).filter(a => a.tokens.length)
      })
    }
    const open = !/\s$/.test(query)
    const rest = units(text)
    rest.forEach((unit, i) => clauses.push({
      surface: unit.text,
      prefix: !unit.han && (open && i === rest.length - 1 || unit.text.length >= 4),
      alternatives: [{
        phrase: unit.text, compact: unit.text, words: unit.text, weight: 1,
        units: [unit.tokens], tokens: [...new Set(unit.tokens)]
      }]
    }))
    return clauses.filter(c => c.alternatives.length)
  }

  search(query) {
    const clauses = this.parse(query)
    if (!clauses.length) return { items: [] }

    /* Score every alternative of every clause on every page that holds one of its tokens */
    const scores = new Map()   /* page -> {score, cover, clauses: [best alternative]} */
    let importance = 0
    clauses.forEach((clause, c) => {
      clause.importance = 0
      for (const alt of clause.alternatives) {
        /* The pages of each token; a word being typed (overf) stands for the words it begins */
        const found = alt.tokens.map(t => this.lookup(t, clause.prefix))
        const idfs = alt.tokens.map((t, i) => this.postings.has(t) || !found[i].size
          ? this.idf(t) : this.idfOf(found[i].size))
        /* A clause weighs what the phrase typed weighs (its known tokens' mean idf), or,
           if the index does not know that phrase (显存爆了), what its best synonym weighs */
        const known = alt.tokens.map((t, i) => found[i].size ? idfs[i] : 0)
        const weight = known.reduce((a, b) => a + b, 0) / alt.tokens.length
        if (alt.weight === 1 && weight > 0) clause.importance = weight
        else if (!clause.typed) clause.importance = Math.max(clause.importance, weight)
        if (alt.weight === 1 && weight > 0) clause.typed = true
        if (this.weak.has(alt.phrase) && alt.weight === 1) clause.weak = true
        /* Each word of a phrase is needed: a word weighs its idf, but at least 1, so
           that the common word of "训练 加速" is not drowned by the rare one; within a
           word (its character pairs), rarer tokens weigh more */
        const perPage = new Map()
        const position = new Map(alt.tokens.map((t, i) => [t, i]))
        const words = alt.units.map(word => {
          const ids = [...new Set(word)].map(t => position.get(t))
          const sum = ids.reduce((a, i) => a + idfs[i], 0)
          /* a single character (慢) is weak evidence: it weighs its idf, halved */
          const single = word.every(t => t.length < 2)
          return { ids, sum, weight: single ? sum / ids.length / 2 : Math.max(1, sum / ids.length) }
        }).filter(w => w.sum > 0)
        const wordTotal = words.reduce((a, w) => a + w.weight, 0)
        for (const word of words)
          for (const i of word.ids)
            for (const [page, match] of found[i]) {
              let entry = perPage.get(page)
              if (!entry) perPage.set(page, entry = { match: 0, cover: 0 })
              const share = word.weight / wordTotal * idfs[i] / word.sum
              entry.match += share * match
              entry.cover += share
            }
        for (const [page, entry] of perPage) {
          let match = entry.match
          const phrase = alt.compact
          if (phrase.length > 1) {
            if (page.compact[0].includes(phrase)) match += 0.4
            else if (page.compact[1].includes(phrase) || page.compact[2].includes(phrase)
              || page.compact[3].includes(phrase)) match += 0.2
          }
          let state = scores.get(page)
          if (!state) scores.set(page, state = { clauses: clauses.map(() => null) })
          const prev = state.clauses[c]
          const value = alt.weight * match, cover = Math.min(1, entry.cover)
          if (!prev || value > prev.value)
            state.clauses[c] = { value, cover: Math.max(cover, prev?.cover || 0), alt }
          else prev.cover = Math.max(prev.cover, cover)
        }
      }
      if (clause.weak) clause.importance *= WEAK_WEIGHT
      else importance += clause.importance
    })

    const ranked = []
    for (const [page, state] of scores) {
      let score = 0, cover = 0
      state.clauses.forEach((match, c) => {
        if (!match) return
        score += clauses[c].importance * match.value
        if (!clauses[c].weak) cover += clauses[c].importance * match.cover
      })
      cover = importance ? cover / importance : 1
      score *= cover * cover * (page.question ? 1 : OTHER_PAGE_PRIOR)
      if (score > 0) ranked.push({ page, score, cover, state })
    }
    ranked.sort((a, b) => b.score - a.score)
    const best = ranked.length ? ranked[0] : null
    const shown = ranked.filter(r => r.score >= 0.02 * best.score && r.cover >= 0.5 * best.cover)

    /* Material's result format: one group per page, the page first, then its sections.
       Material renders ten results, then more as the reader scrolls: the first ten get
       their sections, the others (up to 40) only the page */
    const items = shown.slice(0, 40).map((r, i) => this.group(r, clauses, i < 10))
    const result = { items }
    if (this.options.suggest) result.suggest = this.suggest(query)
    return result
  }

  group({ page, score, state }, clauses, withSections) {
    const marks = new Set()
    const terms = {}
    clauses.forEach((clause, c) => {
      const match = state.clauses[c]
      const found = !!match && match.cover >= 0.5
      const alt = match ? match.alt : clause.alternatives[0]
      /* Material puts the terms found into the result's link (?h=...) and highlights them
         on the page, word by word; the others it shows as missing */
      terms[found ? alt.words : clause.surface] = found
      for (const a of clause.alternatives) {
        if (a.weight < 1 && a !== alt) continue
        marks.add(a.phrase)
        for (const token of a.tokens) if (!/^[a-z0-9]+$/.test(token) || token.length > 1) marks.add(token)
      }
    })
    const marker = highlighter([...marks])
    const all = clauses.flatMap(clause => {
      const match = state.clauses[clauses.indexOf(clause)]
      return match ? match.alt.tokens.map(t => [t, this.idf(t)]) : []
    })
    const sectionScore = section => all.reduce((sum, [token, idf]) =>
      sum + idf * (3 * section.title.has(token) + section.text.has(token)), 0)
    const sections = (withSections ? page.sections.slice(1) : [])
      .map(section => ({ section, value: sectionScore(section) }))
      .filter(s => s.value > 0)
      .sort((a, b) => b.value - a.value)
    const top = sections.length ? sections[0].value : 0
    const article = page.sections[0]
    const items = [{
      location: page.path, title: marker(article.doc.title, false),
      text: marker(article.doc.text, true), tags: article.doc.tags, score, terms
    }]
    /* Material shows the page, then the sections scored as high as the first item, then
       "n more on this page": the best section is shown when it matches better than the
       page's own introduction */
    const intro = sectionScore(article)
    sections.slice(0, 8).forEach((s, i) => items.push({
      location: s.section.doc.location,
      title: marker(s.section.doc.title, false),
      text: marker(s.section.doc.text, true),
      score: i === 0 && s.value > intro ? score : score * 0.5 * s.value / top,
      terms
    }))
    return items
  }

  suggest(query) {
    const last = normalize(query).toLowerCase().match(/[a-z][a-z0-9]*$/)
    if (!last || last[0].length < 2) return []
    let best = null, count = 0
    for (const [word, n] of this.titleWords)
      if (word.startsWith(last[0]) && word !== last[0] && n > count) { best = word; count = n }
    return best ? [best] : []
  }
}

/* ----------------------------------------------------------------------------------
 * Highlighting: <mark> around the query's phrases and tokens, HTML-escaped text
 * ------------------------------------------------------------------------------- */

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"
  })[c])
}

/* The next occurrence of a needle from `from` on: [start, end], a Latin needle as a word
   start and up to the end of that word (overf -> overfitting); null if none */
function nextHit(lower, needle, from) {
  const latin = /^[a-z0-9]/.test(needle)
  for (let at = lower.indexOf(needle, from); at >= 0; at = lower.indexOf(needle, at + 1)) {
    if (latin && at > 0 && /[a-z0-9]/.test(lower[at - 1])) continue
    let end = at + needle.length
    if (latin) while (end < lower.length && /[a-z0-9]/.test(lower[end])) end++
    return [at, end]
  }
  return null
}

const TEASER = 240

function highlighter(marks) {
  const needles = marks.filter(m => m && (m.length > 1 || /\p{Script=Han}/u.test(m)))
    .sort((a, b) => b.length - a.length)
  const cache = new Map()
  return (text, teaser) => {
    let lower = cache.get(text)
    if (lower === undefined) cache.set(text, lower = text.toLowerCase())
    /* Teasers: a window of the text around the first highlight */
    let start = 0, end = text.length
    if (teaser && text.length > TEASER) {
      let first = -1
      for (const needle of needles) {
        const hit = nextHit(lower, needle, 0)
        if (hit && (first < 0 || hit[0] < first)) first = hit[0]
      }
      start = Math.max(0, first - 60)
      end = Math.min(text.length, start + TEASER)
    }
    const hits = []
    for (const needle of needles)
      for (let hit = nextHit(lower, needle, start); hit && hit[0] < end && hits.length < 200;
        hit = nextHit(lower, needle, hit[0] + 1))
        hits.push(hit)
    hits.sort((a, b) => a[0] - b[0])
    let html = start > 0 ? "… " : ""
    let cursor = start
    for (const [s, e] of hits) {
      if (e <= cursor) continue
      const from = Math.max(s, cursor), to = Math.min(e, end)
      html += escapeHTML(text.slice(cursor, from)) + "<mark>" + escapeHTML(text.slice(from, to)) + "</mark>"
      cursor = to
    }
    html += escapeHTML(text.slice(cursor, end)) + (end < text.length ? " …" : "")
    return html
  }
}

/* ----------------------------------------------------------------------------------
 * Worker: Material's message protocol
 * ------------------------------------------------------------------------------- */

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3
let index = null

function handle(message) {
  switch (message.type) {
    case SETUP:
      index = new Index(message.data)
      return { type: READY }
    case QUERY:
      try {
        return { type: RESULT, data: index.search(message.data) }
      } catch (err) {
        console.warn(`Search failed for ${JSON.stringify(message.data)}`, err)
        return { type: RESULT, data: { items: [] } }
      }
    default:
      throw new TypeError("Invalid message type")
  }
}

if (typeof module !== "undefined" && module.exports) {
  module.exports = { Index, tokens, units, stem, normalize, phraseForm, handle }
} else {
  addEventListener("message", ev => postMessage(handle(ev.data)))
}
