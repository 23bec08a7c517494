// Parley web chat: a page over the gateway's JSON API (README "Web chat"). Nothing here that a script could not do.
// Model output is untrusted: Markdown is rendered by marked with raw HTML shown as text, then sanitized by DOMPurify,
// and the page's Content-Security-Policy forbids inline script on top of that.
'use strict';

(() => {
  const KEY_STORAGE = 'parley.key';
  const CONVERSATION_STORAGE = 'parley.conversation';
  const MODEL_STORAGE = 'parley.model';
  const $ = (id) => document.getElementById(id);
  const numberFormat = new Intl.NumberFormat('en-US');

  const state = {
    key: null,
    me: null,
    models: [],
    conversation: null, // { id, title, model, messages, usage, saved }
    streaming: null, // { controller, item }
    contextTimer: 0,
    contextSeq: 0,
    searchTimer: 0,
  };

  // ---- formatting -------------------------------------------------------------------------------------------------
  const tokens = (n) => numberFormat.format(n);
  // As the CLI writes dollars (Parley.Hosting's CostText): cents from a cent up ($0.12), else six decimals ($0.000123);
  // Intl rounds the number's decimal form half away from zero, as .NET does. Null: no price is known.
  const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4, useGrouping: false });
  const micros = new Intl.NumberFormat('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 6, useGrouping: false });
  const perMillion = (n) => '$' + cents.format(n);
  const dollars = (n) => (n == null ? 'price unknown' : '$' + (n >= 0.01 ? cents : micros).format(n));

  // ---- Markdown, sanitized -----------------------------------------------------------------------------------------
  const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  let markdownReady = false;
  function setUpMarkdown() {
    if (markdownReady) return;
    markdownReady = true;
    // Raw HTML in model output is shown as text, never as markup.
    marked.use({ gfm: true, breaks: false, renderer: { html: (token) => escapeHtml(token.raw ?? token.text ?? '') } });
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        const href = node.getAttribute('href');
        if (href) {
          node.setAttribute('target', '_blank');
          node.setAttribute('rel', 'noopener noreferrer nofollow');
          node.setAttribute('title', href);
        }
      }
    });
  }

  const SANITIZE = {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'img', 'video', 'audio', 'source',
      'picture', 'iframe', 'object', 'embed', 'svg', 'math', 'dialog', 'details', 'summary'],
    FORBID_ATTR: ['style', 'id', 'name', 'srcset', 'action', 'formaction'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  };

  function renderMarkdown(target, text) {
    setUpMarkdown();
    const html = marked.parse(text ?? '', { async: false });
    target.innerHTML = DOMPurify.sanitize(html, SANITIZE);
    for (const pre of target.querySelectorAll('pre')) {
      const code = pre.querySelector('code');
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'copy';
      copy.textContent = 'Copy';
      copy.setAttribute('aria-label', 'Copy code');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText((code ?? pre).textContent);
          copy.textContent = 'Copied';
        } catch {
          copy.textContent = 'Copy failed';
        }
        setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
      });
      const wrap = document.createElement('div');
      wrap.className = 'code-block';
      pre.replaceWith(wrap);
      wrap.append(copy, pre);
    }
  }

  // ---- the JSON API -------------------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(method, path, body, extraHeaders, signal) {
    const headers = { Authorization: 'Bearer ' + state.key, ...(extraHeaders || {}) };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  async function errorOf(response) {
    let message = response.status + ' ' + response.statusText;
    try {
      const json = await response.json();
      if (json && json.error && json.error.message) message = json.error.message;
    } catch { /* not JSON */ }
    return new ApiError(response.status, message);
  }

  const getJson = async (path) => (await api('GET', path)).json();

  function newId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---- sign in / out -------------------------------------------------------------------------------------------------
  async function signIn(key) {
    state.key = key;
    state.me = await getJson('/v1/parley/me');
    sessionStorage.setItem(KEY_STORAGE, key);
  }

  function signOut() {
    abortStreaming();
    sessionStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(CONVERSATION_STORAGE);
    state.key = null;
    state.me = null;
    state.conversation = null;
    $('messages').replaceChildren();
    $('conversation-list').replaceChildren();
    showSignIn();
  }

  function showSignIn(message) {
    $('app-view').hidden = true;
    $('signin-view').hidden = false;
    $('signin-error').textContent = message || '';
    $('key-input').value = '';
    $('key-input').focus();
  }

  async function showApp() {
    $('signin-view').hidden = true;
    $('app-view').hidden = false;
    $('key-name').textContent = 'Key: ' + state.me.key_name;
    renderBudget();
    await loadModels();
    await refreshList();
    const saved = sessionStorage.getItem(CONVERSATION_STORAGE);
    if (saved && await openConversation(saved)) return;
    newChat();
  }

  function renderBudget() {
    const budget = state.me && state.me.budget;
    const parts = [];
    for (const [name, label] of [['daily', 'today'], ['monthly', 'this month']]) {
      const period = budget && budget[name];
      if (period && period.limit_usd != null) parts.push(dollars(period.left_usd) + ' left ' + label);
    }
    $('budget-meter').textContent = parts.length ? 'Budget: ' + parts.join(' · ') : 'Budget: no limit';
  }

  async function refreshMe() {
    try {
      state.me = await getJson('/v1/parley/me');
      renderBudget();
    } catch (error) {
      handleError(error);
    }
  }

  // ---- models -------------------------------------------------------------------------------------------------------
  async function loadModels() {
    const list = await getJson('/v1/models');
    const allowed = state.me.models;
    state.models = list.data.filter((m) => !allowed || allowed.includes(m.id));
    const select = $('model-select');
    select.replaceChildren(...state.models.map((m) => {
      const option = document.createElement('option');
      option.value = m.id;
      option.textContent = describeModel(m);
      return option;
    }));
    const preferred = sessionStorage.getItem(MODEL_STORAGE);
    if (preferred && state.models.some((m) => m.id === preferred)) select.value = preferred;
  }

  function describeModel(m) {
    const parts = [m.id];
    if (m.context_window) parts.push(tokens(m.context_window) + ' tokens');
    if (m.pricing && m.pricing.input != null && m.pricing.output != null) {
      parts.push(perMillion(m.pricing.input) + ' in / ' + perMillion(m.pricing.output) + ' out per 1M');
    }
    return parts.join(' — ');
  }

  const selectedModel = () => state.models.find((m) => m.id === $('model-select').value);

  // ---- conversation list -----------------------------------------------------------------------------------------
  async function refreshList() {
    const q = $('search-input').value.trim();
    const query = new URLSearchParams({ limit: '100' });
    if (q) query.set('q', q);
    let list;
    try {
      list = await getJson('/v1/parley/conversations?' + query);
    } catch (error) {
      handleError(error);
      return;
    }
    const items = list.data.map((c) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'conversation';
      button.dataset.id = c.id;
      if (state.conversation && state.conversation.id === c.id) button.setAttribute('aria-current', 'true');
      const title = document.createElement('span');
      title.className = 'conversation-title';
      title.textContent = c.title || 'Untitled';
      const detail = document.createElement('span');
      detail.className = 'conversation-detail';
      detail.textContent = [c.model, c.message_count + ' messages', dollars(c.cost_usd)].filter(Boolean).join(' · ');
      button.append(title, detail);
      button.addEventListener('click', () => { openConversation(c.id); closeListOnPhone(); });
      li.append(button);
      return li;
    });
    if (items.length === 0) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = q ? 'No conversation matches.' : 'No conversations yet.';
      items.push(li);
    }
    $('conversation-list').replaceChildren(...items);
  }

  function closeListOnPhone() {
    document.body.classList.remove('show-list');
    $('list-toggle').setAttribute('aria-expanded', 'false');
  }

  // ---- one conversation ------------------------------------------------------------------------------------------
  function newChat() {
    abortStreaming();
    state.conversation = { id: newId(), title: '', model: null, messages: [], usage: null, saved: false };
    sessionStorage.removeItem(CONVERSATION_STORAGE);
    renderConversation();
    markCurrentInList();
    $('prompt-input').value = '';
    $('prompt-input').focus();
    scheduleContext(0);
  }

  async function openConversation(id) {
    abortStreaming();
    try {
      const c = await getJson('/v1/parley/conversations/' + encodeURIComponent(id));
      setConversation(c, true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        sessionStorage.removeItem(CONVERSATION_STORAGE);
        return false;
      }
      handleError(error);
      return false;
    }
    markCurrentInList();
    $('prompt-input').focus();
    scheduleContext(0);
    return true;
  }

  // `opened`: the user opened it, so the picker shows its model; after a turn the picker keeps the user's choice.
  function setConversation(c, opened) {
    state.conversation = { id: c.id, title: c.title || '', model: c.model, messages: c.messages || [], usage: c.usage, saved: true };
    sessionStorage.setItem(CONVERSATION_STORAGE, c.id);
    if (opened && c.model && state.models.some((m) => m.id === c.model)) $('model-select').value = c.model;
    renderConversation();
  }

  async function reloadConversation() {
    const c = state.conversation;
    if (!c) return;
    try {
      const fresh = await getJson('/v1/parley/conversations/' + encodeURIComponent(c.id));
      if (state.conversation === c && !state.streaming) setConversation(fresh);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) handleError(error);
    }
  }

  function markCurrentInList() {
    for (const button of document.querySelectorAll('#conversation-list .conversation')) {
      if (state.conversation && button.dataset.id === state.conversation.id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  function renderConversation() {
    const c = state.conversation;
    $('title-input').value = c.title;
    $('chat-error').textContent = '';
    const visible = c.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
    const lastAssistant = findLast(visible, (m) => m.role === 'assistant');
    $('messages').replaceChildren(...visible.map((m) => messageItem(m, m === lastAssistant)));
    for (const id of ['export-md', 'export-json', 'delete-chat']) $(id).disabled = !c.saved;
    renderCost();
    scrollToEnd();
  }

  function findLast(list, predicate) {
    for (let i = list.length - 1; i >= 0; i--) if (predicate(list[i])) return list[i];
    return undefined;
  }

  function renderCost() {
    const c = state.conversation;
    const cost = c && c.usage ? c.usage.cost_usd : 0;
    $('cost-meter').textContent = 'Conversation: ' + dollars(cost);
  }

  function messageItem(m, isLastAssistant) {
    const li = document.createElement('li');
    li.className = 'message ' + m.role;
    li.dataset.role = m.role;
    if (m.index != null) li.dataset.index = String(m.index);
    const who = document.createElement('div');
    who.className = 'who';
    who.textContent = m.role === 'user' ? 'You' : 'Assistant';
    const body = document.createElement('div');
    body.className = 'body';
    if (m.role === 'user') body.textContent = m.content ?? '';
    else renderMarkdown(body, m.content ?? '');
    const foot = document.createElement('div');
    foot.className = 'foot';
    li.append(who, body, foot);
    if (m.role === 'assistant') {
      setAssistantFoot(li, m.status, m.usage);
      if (isLastAssistant) foot.append(actionButton('Regenerate', 'regenerate', () => regenerate()));
    } else {
      foot.append(actionButton('Edit', 'edit', () => editQuestion(li, m)));
    }
    return li;
  }

  function actionButton(label, name, onClick) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'quiet small ' + name;
    button.textContent = label;
    button.addEventListener('click', onClick);
    return button;
  }

  function setAssistantFoot(li, status, usage) {
    const foot = li.querySelector('.foot');
    for (const old of foot.querySelectorAll('.status, .turn-cost')) old.remove();
    const parts = [];
    if (status && status !== 'complete' && status !== 'completed') {
      const badge = document.createElement('span');
      badge.className = 'status ' + status;
      badge.textContent = status;
      parts.push(badge);
    }
    if (usage) {
      const cost = document.createElement('span');
      cost.className = 'turn-cost';
      cost.textContent = 'This turn: ' + dollars(usage.cost_usd) + ' · ' + tokens(usage.prompt_tokens) + ' in, ' + tokens(usage.completion_tokens) + ' out';
      parts.push(cost);
    }
    foot.prepend(...parts);
  }

  function scrollToEnd() {
    const list = $('messages');
    list.scrollTop = list.scrollHeight;
  }

  // ---- sending -----------------------------------------------------------------------------------------------------
  function chatBody(text, stream) {
    const body = { model: $('model-select').value, messages: [{ role: 'user', content: text }] };
    if (stream) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    return body;
  }

  async function send(text) {
    const c = state.conversation;
    if (!c || state.streaming || !text.trim()) return;
    $('chat-error').textContent = '';
    const expected = c.messages.length + 2;
    sessionStorage.setItem(MODEL_STORAGE, $('model-select').value);
    const list = $('messages');
    for (const old of list.querySelectorAll('button.regenerate')) old.remove();
    const userItem = messageItem({ role: 'user', content: text }, false);
    const answerItem = messageItem({ role: 'assistant', content: '' }, false);
    answerItem.classList.add('streaming');
    answerItem.setAttribute('aria-busy', 'true');
    list.append(userItem, answerItem);
    scrollToEnd();

    const controller = new AbortController();
    state.streaming = { controller, item: answerItem };
    setBusy(true);
    let content = '';
    let usage = null;
    let interrupted = false;
    let failed = null;
    try {
      const response = await api('POST', '/v1/chat/completions', chatBody(text, true), { 'X-Parley-Conversation': c.id }, controller.signal);
      c.saved = true;
      sessionStorage.setItem(CONVERSATION_STORAGE, c.id);
      const body = answerItem.querySelector('.body');
      let frame = 0;
      const paint = () => { frame = 0; renderMarkdown(body, content); scrollToEnd(); };
      for await (const chunk of sseEvents(response)) {
        const choice = chunk.choices && chunk.choices[0];
        const delta = choice && choice.delta && (choice.delta.content ?? choice.delta.refusal);
        if (delta) {
          content += delta;
          if (!frame) frame = requestAnimationFrame(paint);
        }
        if (chunk.usage) usage = chunk.usage;
      }
      if (frame) cancelAnimationFrame(frame);
      paint();
    } catch (error) {
      if (error.name === 'AbortError') interrupted = true;
      else failed = error;
    } finally {
      state.streaming = null;
      setBusy(false);
      answerItem.classList.remove('streaming');
      answerItem.removeAttribute('aria-busy');
    }

    if (interrupted) {
      renderMarkdown(answerItem.querySelector('.body'), content);
      setAssistantFoot(answerItem, 'interrupted', null);
    } else if (failed) {
      if (!content) answerItem.remove();
      handleError(failed);
    } else {
      setAssistantFoot(answerItem, 'complete', usage);
    }
    answerItem.querySelector('.foot').append(actionButton('Regenerate', 'regenerate', () => regenerate()));
    // The gateway saves the turn after the stream ends: read the saved conversation (indices, statuses, costs) back.
    if (!failed || content) await waitForSaved(c, expected, interrupted || !!failed);
    refreshList();
    refreshMe();
    scheduleContext(0);
  }

  // Polls until the saved conversation holds this exchange: `expected` messages ending with a settled answer, or (an
  // answer stopped or failed before its first word) the question alone, settled.
  async function waitForSaved(c, expected, ended) {
    for (let attempt = 0; attempt < 40 && state.conversation === c && !state.streaming; attempt++) {
      let fresh = null;
      try {
        fresh = await getJson('/v1/parley/conversations/' + encodeURIComponent(c.id));
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) { handleError(error); return; }
      }
      const messages = (fresh && fresh.messages) || [];
      const last = messages[messages.length - 1];
      const settled = last && last.status !== 'pending'
        && (last.role === 'assistant' ? messages.length >= expected : ended && last.role === 'user' && messages.length >= expected - 1);
      if (settled) {
        if (state.conversation === c && !state.streaming) setConversation(fresh);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async function* sseEvents(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = block.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n');
        if (!data) continue;
        if (data === '[DONE]') return;
        const json = JSON.parse(data);
        if (json.error) throw new ApiError(500, json.error.message || 'the stream failed');
        yield json;
      }
    }
  }

  function setBusy(busy) {
    $('stop-button').hidden = !busy;
    $('send-button').disabled = busy;
  }

  function abortStreaming() {
    if (state.streaming) state.streaming.controller.abort();
  }

  async function truncateAndSend(keep, text) {
    const c = state.conversation;
    try {
      await api('POST', '/v1/parley/conversations/' + encodeURIComponent(c.id) + '/truncate', { keep });
    } catch (error) {
      handleError(error);
      return;
    }
    c.messages = c.messages.filter((m) => m.index == null || m.index < keep);
    renderConversation();
    await send(text);
  }

  async function regenerate() {
    if (state.streaming) return;
    await reloadConversation();
    const c = state.conversation;
    const question = findLast(c.messages, (m) => m.role === 'user');
    if (!question) return;
    await truncateAndSend(question.index, question.content);
  }

  function editQuestion(li, m) {
    if (state.streaming || m.index == null) return;
    const body = li.querySelector('.body');
    const foot = li.querySelector('.foot');
    const area = document.createElement('textarea');
    area.className = 'edit-input';
    area.value = m.content;
    area.rows = Math.min(10, Math.max(2, m.content.split('\n').length));
    area.setAttribute('aria-label', 'Edit question');
    const save = actionButton('Send edited question', 'send-edit', () => truncateAndSend(m.index, area.value));
    const cancel = actionButton('Cancel', 'cancel-edit', () => renderConversation());
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); save.click(); }
      if (event.key === 'Escape') cancel.click();
    });
    body.replaceChildren(area);
    foot.replaceChildren(save, cancel);
    area.focus();
  }

  // ---- live context meter ----------------------------------------------------------------------------------------
  function scheduleContext(delay) {
    clearTimeout(state.contextTimer);
    state.contextTimer = setTimeout(updateContext, delay);
  }

  async function updateContext() {
    const c = state.conversation;
    const model = selectedModel();
    if (!c || !model || !state.key) return;
    const seq = ++state.contextSeq;
    const headers = c.saved ? { 'X-Parley-Conversation': c.id } : {};
    try {
      const response = await api('POST', '/v1/parley/context', chatBody($('prompt-input').value, true), headers);
      const numbers = await response.json();
      if (seq !== state.contextSeq) return;
      const window = numbers.context_window ?? model.context_window;
      const meter = $('context-meter');
      const dropped = typeof numbers.dropped === 'number' ? numbers.dropped + ' earlier messages left out' : numbers.dropped;
      meter.textContent = 'Context: ' + (numbers.estimate ? 'about ' : '') + tokens(numbers.prompt_tokens)
        + (window ? ' / ' + tokens(window) : '') + ' tokens' + (dropped ? ' (' + dropped + ')' : '');
      meter.dataset.promptTokens = String(numbers.prompt_tokens);
      meter.classList.toggle('over', !!window && numbers.prompt_tokens > window);
    } catch (error) {
      if (seq !== state.contextSeq) return;
      $('context-meter').textContent = 'Context: ' + error.message;
      delete $('context-meter').dataset.promptTokens;
    }
  }

  // ---- conversation actions -------------------------------------------------------------------------------------
  async function rename() {
    const c = state.conversation;
    const title = $('title-input').value.trim();
    if (!c.saved || title === c.title) return;
    if (!title) { $('title-input').value = c.title; return; }
    try {
      await api('PATCH', '/v1/parley/conversations/' + encodeURIComponent(c.id), { title });
      c.title = title;
      refreshList();
    } catch (error) {
      handleError(error);
    }
  }

  async function deleteConversation() {
    const c = state.conversation;
    if (!c.saved || !window.confirm('Delete this conversation?')) return;
    try {
      await api('DELETE', '/v1/parley/conversations/' + encodeURIComponent(c.id));
    } catch (error) {
      handleError(error);
      return;
    }
    newChat();
    refreshList();
  }

  async function exportConversation(format) {
    const c = state.conversation;
    try {
      const response = await api('GET', '/v1/parley/conversations/' + encodeURIComponent(c.id) + '/export?format=' + format);
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = (c.title || 'conversation').replace(/[^\w.-]+/g, '-').slice(0, 60) + (format === 'json' ? '.json' : '.md');
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (error) {
      handleError(error);
    }
  }

  function handleError(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut();
      $('signin-error').textContent = 'Signed out: ' + error.message;
      return;
    }
    $('chat-error').textContent = error.message || String(error);
  }

  // ---- wiring --------------------------------------------------------------------------------------------------------
  function wire() {
    $('signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const key = $('key-input').value.trim();
      if (!key) { $('signin-error').textContent = 'Enter your virtual key.'; return; }
      $('signin-button').disabled = true;
      try {
        await signIn(key);
        await showApp();
      } catch (error) {
        state.key = null;
        $('signin-error').textContent = error instanceof ApiError && error.status === 401 ? 'That key was not accepted: ' + error.message : (error.message || String(error));
      } finally {
        $('signin-button').disabled = false;
      }
    });
    $('signout-button').addEventListener('click', signOut);
    $('new-chat').addEventListener('click', () => { newChat(); closeListOnPhone(); });
    $('list-toggle').addEventListener('click', () => {
      const open = document.body.classList.toggle('show-list');
      $('list-toggle').setAttribute('aria-expanded', String(open));
    });
    $('search-input').addEventListener('input', () => {
      clearTimeout(state.searchTimer);
      state.searchTimer = setTimeout(refreshList, 250);
    });
    $('composer').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = $('prompt-input');
      const text = input.value;
      if (!text.trim() || state.streaming) return;
      input.value = '';
      send(text);
    });
    $('prompt-input').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        $('composer').requestSubmit();
      }
    });
    $('prompt-input').addEventListener('input', () => scheduleContext(300));
    $('model-select').addEventListener('change', () => {
      sessionStorage.setItem(MODEL_STORAGE, $('model-select').value);
      scheduleContext(0);
    });
    $('stop-button').addEventListener('click', abortStreaming);
    $('title-input').addEventListener('change', rename);
    $('title-input').addEventListener('keydown', (event) => { if (event.key === 'Enter') { event.preventDefault(); event.target.blur(); } });
    $('delete-chat').addEventListener('click', deleteConversation);
    $('export-md').addEventListener('click', () => exportConversation('markdown'));
    $('export-json').addEventListener('click', () => exportConversation('json'));
  }

  async function start() {
    wire();
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (!key) { showSignIn(); return; }
    try {
      await signIn(key);
      await showApp();
    } catch (error) {
      sessionStorage.removeItem(KEY_STORAGE);
      showSignIn(error.message);
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
