// The demo web chat. Talks to /demo/api/… (JSON) and /demo/events (server-sent events).
// Safety rule: nothing from the server is ever parsed as HTML. Messages are built from their
// text and Telegram entities with createElement/textContent, so a message containing <script>
// or <img onerror> is shown as those characters. Every UI string comes from /demo/api/texts.
"use strict";

(() => {
  const S = {
    texts: {}, lang: "zh-CN", state: null, persona: "resident", chat: null, chats: [],
    messages: new Map(), unread: {}, stepResults: {}, reloadTimer: null,
  };
  const $ = (id) => document.getElementById(id);
  const PERSONA_COLOR = { resident: "c0", admin: "c1", volunteer: "c2", officer: "c3" };

  // ---- small helpers ----------------------------------------------------------------------
  function T(key, vars) {
    const table = S.texts[S.lang] || {};
    let s = table["demo." + key];
    if (s === undefined) s = (S.texts["zh-CN"] || {})["demo." + key];
    if (s === undefined) return key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }
  const noteText = (key, params) => T(String(key).replace(/^demo\./, ""), params);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function avatar(name, seed, small) {
    const a = el("span", "avatar" + (small ? " small" : "") + " c" + (Math.abs(seed) % 8),
      Array.from(name || "?")[0]);
    a.setAttribute("aria-hidden", "true");
    return a;
  }

  async function api(path, body) {
    const opts = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    let r;
    try {
      r = await fetch("/demo/api/" + path, opts);
    } catch (e) {
      throw new Error(T("errors.network"));
    }
    const data = await r.json().catch(() => ({ ok: false, error: r.statusText }));
    if (!data.ok) throw new Error(data.error || r.statusText);
    return data;
  }

  let toastTimer = null;
  function toast(text, alert) {
    const t = $("toast");
    t.textContent = text;
    t.className = alert ? "alert" : "";
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, alert ? 6000 : 2500);
  }
  const fail = (e) => toast(T("errors.failed", { detail: e.message || String(e) }), true);

  const me = () => S.state.personas.find((p) => p.key === S.persona);
  const currentChat = () => S.chats.find((c) => c.id === S.chat);

  // ---- text + entities -> DOM -------------------------------------------------------------
  const TAGS = {
    bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
    blockquote: "blockquote", expandable_blockquote: "blockquote",
  };

  function entityNode(e, content) {
    if (TAGS[e.type]) return el(TAGS[e.type]);
    if (e.type === "url" || e.type === "text_link" || e.type === "email") {
      // Links are shown, never followed: the demo has no business opening them.
      const span = el("span", "link");
      span.title = T("message.link_title", { url: e.type === "text_link" ? e.url : content });
      return span;
    }
    if (e.type === "bot_command") {
      const span = el("span", "cmd");
      span.addEventListener("click", () => sendText(content));
      return span;
    }
    if (e.type === "spoiler") {
      const span = el("span", "spoiler");
      span.addEventListener("click", () => span.classList.toggle("shown"));
      return span;
    }
    return el("span", "ent-" + e.type.replace(/[^a-z_]/g, ""));
  }

  function build(parent, text, start, end, list) {
    let pos = start;
    let i = 0;
    while (i < list.length) {
      const e = list[i];
      if (e.offset < pos || e.offset >= end) { i += 1; continue; }
      const stop = Math.min(e.offset + e.length, end);
      if (e.offset > pos) parent.appendChild(document.createTextNode(text.slice(pos, e.offset)));
      let j = i + 1;
      const inner = [];
      while (j < list.length && list[j].offset < stop) { inner.push(list[j]); j += 1; }
      const node = entityNode(e, text.slice(e.offset, stop));
      build(node, text, e.offset, stop, inner);
      parent.appendChild(node);
      pos = stop;
      i = j;
    }
    if (pos < end) parent.appendChild(document.createTextNode(text.slice(pos, end)));
  }

  // Offsets are UTF-16 code units, exactly what JavaScript string indices are.
  function richText(text, entities, cls) {
    const box = el("div", cls || "text");
    const list = (entities || []).filter((e) => e.length > 0)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    build(box, String(text || ""), 0, String(text || "").length, list);
    return box;
  }

  // ---- messages ---------------------------------------------------------------------------
  function serviceText(m) {
    const names = m.service.names || [];
    return T("service." + m.service.type,
      { names: names.join(", "), name: names[0] || "", title: names[0] || "" });
  }

  function pollNode(m) {
    const p = m.poll;
    const box = el("div", "poll");
    box.appendChild(richText(p.question, p.question_entities, "question"));
    const kind = [T(p.type === "quiz" ? "poll.quiz" : "poll.regular")];
    if (p.is_anonymous) kind.push(T("poll.anonymous"));
    if (p.is_closed) kind.push(T("poll.closed"));
    box.appendChild(el("div", "kind", kind.join(" · ")));
    const mine = p.votes[String(me().user_id)] || null;
    const reveal = mine !== null || p.is_closed;
    const correct = p.correct_option_ids || [];
    p.options.forEach((o, i) => {
      if (!reveal) {
        const b = el("button", "option", o.text);
        b.type = "button";
        b.dataset.option = String(i);
        b.addEventListener("click", () => vote(m, [i]));
        box.appendChild(b);
        return;
      }
      const pct = p.total_voter_count ? Math.round((100 * o.voter_count) / p.total_voter_count) : 0;
      let cls = "result";
      if (p.type === "quiz" && correct.includes(i)) cls += " correct";
      else if (mine && mine.includes(i) && p.type === "quiz") cls += " wrong";
      const row = el("div", cls);
      row.appendChild(el("span", "pct", pct + "%"));
      row.appendChild(document.createTextNode(o.text));
      if (mine && mine.includes(i)) row.appendChild(el("span", "mark", "✓ " + T("poll.your_vote")));
      if (p.type === "quiz" && correct.includes(i)) row.appendChild(el("span", "mark", T("poll.correct")));
      const bar = el("div", "bar");
      bar.style.width = Math.max(pct, 1) + "%";
      row.appendChild(bar);
      box.appendChild(row);
    });
    if (reveal && p.explanation) {
      const ex = el("div", "explanation");
      ex.appendChild(el("b", null, T("poll.explanation") + ": "));
      ex.appendChild(richText(p.explanation, p.explanation_entities, "text"));
      box.appendChild(ex);
    }
    box.appendChild(el("div", "foot", T("poll.votes", { count: p.total_voter_count })));
    return box;
  }

  function keyboardNode(m) {
    const kb = el("div", "keyboard");
    m.buttons.forEach((row) => {
      const r = el("div", "row");
      row.forEach((b) => {
        if (b.data !== undefined) {
          const btn = el("button", null, b.text);
          btn.type = "button";
          btn.dataset.data = b.data;
          btn.addEventListener("click", () => press(m, b.data, btn));
          r.appendChild(btn);
        } else {
          const link = el("span", "url", "🔗 " + b.text);
          link.title = T("message.link_title", { url: b.url || "" });
          r.appendChild(link);
        }
      });
      kb.appendChild(r);
    });
    return kb;
  }

  function messageNode(m) {
    if (m.kind === "service") {
      const s = el("div", "service", serviceText(m));
      s.dataset.id = String(m.id);
      return s;
    }
    const mine = m.from.id === me().user_id;
    const group = S.chat < 0;
    const wrap = el("div", "msg" + (mine ? " mine" : "") + (m.from.is_bot ? " from-bot" : ""));
    wrap.dataset.id = String(m.id);
    const bubble = el("div", "bubble");
    if (group && !mine) {
      const sender = el("div", "sender", m.from.name);
      if (m.from.is_bot) sender.appendChild(el("span", "tag", T("message.bot")));
      bubble.appendChild(sender);
    }
    if (m.forwarded_from) bubble.appendChild(el("div", "fwd", T("message.forwarded", { name: m.forwarded_from })));
    if (m.reply_to) {
      const r = el("div", "reply", T("message.reply_to", { name: m.reply_to.name }));
      r.appendChild(el("span", "quote", m.reply_to.text));
      bubble.appendChild(r);
    }
    if (m.kind === "photo") bubble.appendChild(el("div", "media", T("message.photo")));
    if (m.kind === "document") bubble.appendChild(el("div", "media", T("message.document", { name: m.file_name || "" })));
    if (m.kind === "sticker") bubble.appendChild(el("div", "media", T("message.sticker")));
    if (m.kind === "other") bubble.appendChild(el("div", "media", T("message.other")));
    if (m.poll) bubble.appendChild(pollNode(m));
    if (m.text) bubble.appendChild(richText(m.text, m.entities));
    const time = new Date(m.date * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    bubble.appendChild(el("div", "meta", (m.edited ? T("message.edited") + " · " : "") + time));
    wrap.appendChild(bubble);
    if (m.buttons && m.buttons.length) wrap.appendChild(keyboardNode(m));
    if (group && !m.from.is_bot) {
      const rep = el("button", "report", "⚠ " + T("message.report"));
      rep.type = "button";
      rep.title = T("message.report_title", { name: me().name });
      rep.addEventListener("click", () => forward(m));
      wrap.appendChild(rep);
    }
    return wrap;
  }

  function renderMessages() {
    const box = $("messages");
    box.replaceChildren();
    const list = Array.from(S.messages.values()).sort((a, b) => a.id - b.id);
    if (!list.length) box.appendChild(el("div", "empty", T("chats.empty")));
    list.forEach((m) => box.appendChild(messageNode(m)));
    box.scrollTop = box.scrollHeight;
    box.dataset.chat = String(S.chat);
    renderPinbar();
  }

  function upsertNode(m) {
    const box = $("messages");
    const old = box.querySelector(`[data-id="${Number(m.id)}"]`);
    const node = messageNode(m);
    const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    if (old) old.replaceWith(node);
    else {
      const empty = box.querySelector(".empty");
      if (empty) empty.remove();
      box.appendChild(node);
    }
    if (!old || nearBottom) box.scrollTop = box.scrollHeight;
  }

  function renderPinbar() {
    const bar = $("pinbar");
    const chat = currentChat();
    const pinned = chat && chat.pinned.length ? S.messages.get(chat.pinned[chat.pinned.length - 1]) : null;
    bar.replaceChildren();
    bar.hidden = !pinned;
    if (pinned) {
      bar.appendChild(el("b", null, "📌 " + T("chats.pinned")));
      bar.appendChild(document.createTextNode((pinned.text || "").split("\n").join(" ").slice(0, 120)));
    }
  }

  // ---- chats and personas -----------------------------------------------------------------
  function chatKind(c) {
    if (c.id > 0) return T("chats.private", { bot: S.state.bot.name });
    if (c.id === S.state.review_chat) return T("chats.review");
    return T("chats.group") + " · " + T("chats.members", { count: c.members });
  }

  function preview(m) {
    if (!m) return "";
    if (m.kind === "service") return serviceText(m);
    const body = m.poll ? "📊 " + m.poll.question : (m.text || T("message." + (m.kind === "text" ? "other" : m.kind), { name: m.file_name || "" }));
    return (m.chat_id < 0 ? m.from.name + ": " : "") + body.split("\n").join(" ");
  }

  function renderChats() {
    const ul = $("chats");
    ul.replaceChildren();
    S.chats.forEach((c) => {
      const li = el("li", c.id === S.chat ? "active" : "");
      li.dataset.chat = String(c.id);
      li.appendChild(avatar(c.title, c.id));
      const info = el("div", "info");
      info.appendChild(el("div", "name", c.title));
      info.appendChild(el("div", "kind", chatKind(c)));
      info.appendChild(el("div", "preview", preview(c.last)));
      li.appendChild(info);
      const n = S.unread[S.persona + ":" + c.id] || 0;
      if (n) li.appendChild(el("span", "unread", n));
      li.addEventListener("click", () => openChat(c.id));
      ul.appendChild(li);
    });
  }

  async function loadChats() {
    const data = await api("chats?persona=" + encodeURIComponent(S.persona));
    S.chats = data.chats;
    renderChats();
  }

  function scheduleChatsReload() {
    clearTimeout(S.reloadTimer);
    S.reloadTimer = setTimeout(() => loadChats().catch(() => {}), 150);
  }

  async function openChat(id) {
    S.chat = id;
    S.unread[S.persona + ":" + id] = 0;
    const data = await api(`messages?persona=${encodeURIComponent(S.persona)}&chat=${id}`);
    if (S.chat !== id) return;
    S.messages = new Map(data.messages.map((m) => [m.id, m]));
    const chat = currentChat();
    $("chat-title").textContent = chat ? chat.title : "";
    $("chat-sub").textContent = chat ? chatKind(chat) : "";
    $("hint").textContent = T(id > 0 ? "composer.hint_private" : "composer.hint_group");
    renderChats();
    renderMessages();
  }

  function renderPersonas() {
    const box = $("personas");
    box.replaceChildren();
    S.state.personas.forEach((p) => {
      const b = el("button", p.key === S.persona ? "active" : "");
      b.type = "button";
      b.dataset.persona = p.key;
      b.setAttribute("role", "tab");
      b.setAttribute("aria-selected", p.key === S.persona ? "true" : "false");
      b.title = T("persona.acting", { role: T("persona." + p.key), name: p.name });
      const a = avatar(p.name, 0, true);
      a.className = "avatar small " + PERSONA_COLOR[p.key];
      b.appendChild(a);
      const label = el("span", null, p.name + " ");
      label.appendChild(el("span", "role", T("persona." + p.key)));
      b.appendChild(label);
      b.addEventListener("click", () => switchPersona(p.key));
      box.appendChild(b);
    });
    $("text").placeholder = T("composer.placeholder", { name: me().name });
  }

  async function switchPersona(key, chat) {
    S.persona = key;
    renderPersonas();
    await loadChats();
    const target = chat !== undefined ? chat : S.chat;
    const visible = S.chats.some((c) => c.id === target);
    await openChat(visible ? target : me().user_id);
  }

  // ---- actions ----------------------------------------------------------------------------
  async function sendText(text) {
    if (!text.trim() || S.chat === null) return;
    await api("send", { persona: S.persona, chat: S.chat, text });
  }

  async function press(m, data, btn) {
    btn.disabled = true;
    try {
      const res = await api("press", { persona: S.persona, chat: m.chat_id, message_id: m.id, data });
      const answer = res.answer || {};
      toast(answer.text || T("toast.pressed"), Boolean(answer.show_alert));
    } catch (e) {
      fail(e);
    } finally {
      btn.disabled = false;
    }
  }

  async function vote(m, options) {
    try {
      const res = await api("vote", { persona: S.persona, chat: m.chat_id, message_id: m.id, options });
      m.poll = res.poll;
      upsertNode(m);
      toast(T("toast.voted"));
    } catch (e) {
      fail(e);
    }
  }

  async function forward(m) {
    try {
      await api("forward", { persona: S.persona, chat: m.chat_id, message_id: m.id });
      toast(T("toast.forwarded"));
      await openChat(me().user_id);
    } catch (e) {
      fail(e);
    }
  }

  // ---- the tour ---------------------------------------------------------------------------
  function renderTour() {
    const ol = $("steps");
    ol.replaceChildren();
    S.state.tour.forEach((step) => {
      const result = S.stepResults[step];
      let state = "";
      if (result) state = result.running ? "running" : result.ok ? "done" : "failed";
      const li = el("li", state);
      li.dataset.step = step;
      li.appendChild(el("div", "title", T(`tour.steps.${step}.title`)));
      li.appendChild(el("div", "desc", T(`tour.steps.${step}.text`)));
      const b = el("button", null, result && result.running ? T("tour.running") : T("tour.run"));
      b.type = "button";
      b.disabled = Boolean(result && result.running);
      b.addEventListener("click", () => runStep(step));
      li.appendChild(b);
      if (result && result.note) li.appendChild(el("div", "note", noteText(result.note, result.params)));
      ol.appendChild(li);
    });
    const notes = $("note-list");
    notes.replaceChildren();
    S.state.notes.forEach((key) => notes.appendChild(el("li", null, noteText(key))));
    $("notes").hidden = !S.state.notes.length;
  }

  async function runStep(step) {
    S.stepResults[step] = { running: true };
    renderTour();
    try {
      const res = await api("tour/" + step, {});
      S.stepResults[step] = res;
      renderTour();
      await switchPersona(res.persona, res.chat);
    } catch (e) {
      S.stepResults[step] = { ok: false, note: "tour.note.failed", params: { detail: e.message } };
      renderTour();
    }
  }

  // ---- live updates -----------------------------------------------------------------------
  function onEvent(d) {
    if (d.type === "message" || d.type === "edit") {
      const chat = S.chats.find((c) => c.id === d.chat_id);
      if (!chat) return;
      if (d.type === "message" || (chat.last && chat.last.id === d.message.id)) chat.last = d.message;
      if (d.chat_id === S.chat) {
        S.messages.set(d.message.id, d.message);
        upsertNode(d.message);
        renderPinbar();
      } else if (d.type === "message") {
        const k = S.persona + ":" + d.chat_id;
        S.unread[k] = (S.unread[k] || 0) + 1;
      }
      renderChats();
    } else if (d.type === "delete" && d.chat_id === S.chat) {
      S.messages.delete(d.message_id);
      const node = $("messages").querySelector(`[data-id="${Number(d.message_id)}"]`);
      if (node) node.remove();
    } else if (d.type === "poll" && d.chat_id === S.chat) {
      S.messages.forEach((m) => {
        if (m.poll && m.poll.id === d.poll.id) { m.poll = d.poll; upsertNode(m); }
      });
    } else if (d.type === "pin" || d.type === "chats") {
      scheduleChatsReload();
      if (d.type === "pin" && d.chat_id === S.chat) setTimeout(renderPinbar, 200);
    }
  }

  function connect() {
    const source = new EventSource("/demo/events");
    source.onopen = () => {
      $("status").hidden = true;
      if (S.chat !== null) openChat(S.chat).catch(() => {});  // catch up after a reconnect
    };
    source.onerror = () => {
      $("status").textContent = T("offline");
      $("status").hidden = false;
    };
    source.onmessage = (ev) => {
      try { onEvent(JSON.parse(ev.data)); } catch (e) { console.error(e); }
    };
  }

  // ---- start ------------------------------------------------------------------------------
  function applyTexts() {
    document.documentElement.lang = S.lang;
    document.title = T("title");
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = T(node.dataset.t); });
  }

  async function setLanguage(lang) {
    S.lang = lang;
    applyTexts();
    renderPersonas();
    renderTour();
    if (S.chat !== null) await openChat(S.chat);
  }

  async function init() {
    const [texts, state] = await Promise.all([api("texts"), api("state")]);
    S.texts = texts.texts;
    S.state = state;
    S.lang = state.lang in S.texts ? state.lang : "zh-CN";
    applyTexts();
    $("lang").addEventListener("click", () => setLanguage(S.lang === "en" ? "zh-CN" : "en"));
    $("composer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = $("text").value;
      $("text").value = "";
      sendText(text).catch(fail);
    });
    $("text").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $("composer").requestSubmit();
      }
    });
    renderTour();
    connect();
    await switchPersona(S.persona, S.persona === "resident" ? me().user_id : undefined);
    document.body.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", () => {
    init().catch((e) => {
      $("status").textContent = T("errors.failed", { detail: e.message });
      $("status").hidden = false;
    });
  });
})();
