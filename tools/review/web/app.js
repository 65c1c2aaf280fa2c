// The review page: a grid of clips, a detail view, keyboard decisions. Talks to the JSON API
// of tools/review/src/ReviewServer.cpp; every decision is saved before it is shown as saved.
"use strict";

const state = {
  clips: [],        // every clip, from /api/clips
  shown: [],        // the clips that pass the filters, in name order
  current: 0,       // index into shown
  detailOpen: false,
  detailName: null,
};
const $ = (id) => document.getElementById(id);
const CHANNELS = ["depth", "instance", "semantic", "normals", "flow"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function verdictOf(clip) { return clip.decision ? clip.decision.decision : "undecided"; }
function checksOf(clip) {
  if (!clip.checks || typeof clip.checks.passed !== "boolean") return "none";
  return clip.checks.passed ? "passed" : "failed";
}

let toastTimer = null;
function toast(text, isError = false) {
  const t = $("toast");
  t.textContent = text;
  t.classList.toggle("error", isError);
  t.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove("show"), isError ? 6000 : 1800);
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

async function load() {
  const data = await api("/api/clips");
  $("dataset").textContent = data.dataset;
  $("reviewer").textContent = `reviewer: ${data.reviewer} · saving to ${data.review_file}`;
  state.clips = data.clips;
  const templates = [...new Set(state.clips.map((c) => c.template))].sort();
  const select = $("filter-template");
  const chosen = select.value;
  select.replaceChildren(el("option", { value: "" }, "all"),
                         ...templates.map((t) => el("option", { value: t }, t)));
  select.value = templates.includes(chosen) ? chosen : "";
  applyFilters();
}

function passes(clip) {
  const template = $("filter-template").value;
  const checks = $("filter-checks").value;
  const review = $("filter-review").value;
  return (!template || clip.template === template) && (!checks || checksOf(clip) === checks) &&
    (!review || verdictOf(clip) === review);
}

function applyFilters(keepName) {
  const name = keepName ?? state.shown[state.current]?.name;
  state.shown = state.clips.filter(passes);
  const at = state.shown.findIndex((c) => c.name === name);
  state.current = at >= 0 ? at : Math.min(state.current, Math.max(state.shown.length - 1, 0));
  renderGrid();
  renderCounts();
}

function renderCounts() {
  const n = { accept: 0, reject: 0, undecided: 0 };
  for (const c of state.clips) n[verdictOf(c)]++;
  $("counts").textContent = `${state.clips.length} clips · ${n.accept} accepted · ${n.reject} rejected · ` +
    `${n.undecided} undecided · showing ${state.shown.length}`;
}

const lazyVideos = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting && !e.target.src) e.target.src = e.target.dataset.src;
  }
}, { rootMargin: "400px" });

function card(clip, index) {
  const verdict = verdictOf(clip);
  const checks = checksOf(clip);
  const video = el("video", { muted: "", loop: "", playsinline: "", preload: "metadata",
                              dataset: { src: clip.video } });
  video.muted = true;
  video.style.setProperty("--aspect", `${clip.width} / ${clip.height}`);
  lazyVideos.observe(video);
  const node = el("article", { class: `card ${verdict}`, dataset: { name: clip.name }, tabindex: "-1" },
    video,
    el("div", { class: "meta" },
      el("div", { class: "row" },
        el("span", { class: "name" }, clip.name),
        el("span", { class: "spacer" }),
        el("span", { class: `status ${verdict}` }, verdict === "accept" ? "accepted" :
                                                   verdict === "reject" ? "rejected" : "undecided")),
      el("div", { class: "row" },
        el("span", { class: "tmpl" }, clip.template),
        el("span", { class: "spacer" }),
        checks === "none" ? null : el("span", { class: `tag ${checks === "passed" ? "pass" : "fail"}` },
                                      checks === "passed" ? "checks ✓" : "checks ✗")),
      el("div", { class: "caption" }, clip.edited_caption !== null ? "✎ " : "", clip.caption),
      verdict === "reject" && clip.decision.reason ? el("div", { class: "reason" }, clip.decision.reason) : null));
  node.addEventListener("mouseenter", () => play(video));
  node.addEventListener("mouseleave", () => { if (index !== state.current) video.pause(); });
  node.addEventListener("click", () => { select(index); openDetail(); });
  return node;
}

function play(video) {
  if (!video.src) video.src = video.dataset.src;
  video.play().catch(() => {});
}

function renderGrid() {
  const grid = $("grid");
  grid.replaceChildren(...state.shown.map(card));
  $("empty").hidden = state.shown.length > 0;
  highlight();
}

function currentCard() {
  return $("grid").children[state.current] || null;
}

function highlight() {
  for (const node of $("grid").children) node.classList.remove("current");
  const node = currentCard();
  if (!node) return;
  node.classList.add("current");
  node.scrollIntoView({ block: "nearest" });
  if (!state.detailOpen) play(node.querySelector("video"));
}

function select(index) {
  if (!state.shown.length) return;
  const previous = currentCard();
  if (previous && index !== state.current) previous.querySelector("video").pause();
  state.current = Math.max(0, Math.min(index, state.shown.length - 1));
  highlight();
  if (state.detailOpen) openDetail();
}

// --- decisions -------------------------------------------------------------------------

async function decide(change) {
  const clip = state.shown[state.current];
  if (!clip) return;
  try {
    const updated = await api("/api/decision", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clip: clip.name, ...change }),
    });
    const i = state.clips.findIndex((c) => c.name === updated.name);
    state.clips[i] = updated;
    const advance = $("auto-advance").checked && "decision" in change;
    if (passes(updated)) {
      // Replace just this card: re-rendering thousands of cards per key press would not do.
      const at = state.shown.findIndex((c) => c.name === updated.name);
      state.shown[at] = updated;
      $("grid").children[at].replaceWith(card(updated, at));
      highlight();
      renderCounts();
    } else {
      applyFilters(updated.name);
    }
    if (state.detailOpen) openDetail();
    toast(`saved: ${updated.name} ${verdictOf(updated)}`);
    if (advance) select(state.current + 1);
  } catch (error) {
    toast(`not saved: ${error.message}`, true);
  }
}

function ask(title, initial) {
  return new Promise((resolve) => {
    const modal = $("modal"), input = $("modal-input");
    $("modal-title").textContent = title;
    input.value = initial;
    modal.hidden = false;
    input.focus();
    input.select();
    const finish = (value) => {
      modal.hidden = true;
      $("modal-form").onsubmit = null;
      input.onkeydown = null;
      $("modal-cancel").onclick = null;
      resolve(value);
    };
    $("modal-form").onsubmit = (e) => { e.preventDefault(); finish(input.value); };
    $("modal-cancel").onclick = () => finish(null);
    input.onkeydown = (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); finish(input.value); }
      else if (e.key === "Escape") { e.preventDefault(); finish(null); }
      e.stopPropagation();
    };
  });
}

async function reject() {
  const clip = state.shown[state.current];
  if (!clip) return;
  const reason = await ask(`Reject ${clip.name}: why?`,
                           verdictOf(clip) === "reject" ? clip.decision.reason : "");
  if (reason !== null) await decide({ decision: "reject", reason });
}

async function editCaption() {
  const clip = state.shown[state.current];
  if (!clip) return;
  const caption = await ask(`Caption of ${clip.name} (empty: back to the clip's own)`, clip.caption);
  if (caption !== null) await decide({ caption: caption.trim() === "" ? null : caption });
}

// --- detail view -----------------------------------------------------------------------

const BIG_KEYS = ["per_frame", "frame_hashes", "label_hashes", "files", "events"];

function paramRows(meta) {
  const rows = [];
  const add = (k, v) => rows.push(el("tr", {}, el("td", {}, k), el("td", {}, v)));
  add("template", meta.template?.name ?? "");
  add("seed · clip", `${meta.seed} · ${meta.clip_index}`);
  add("frames", `${meta.frames} at ${meta.fps} fps, ${meta.width}×${meta.height}`);
  for (const o of meta.objects ?? [])
    add(`object ${o.instance_id}`, `${o.asset} (${o.category}), ${Number(o.mass_kg).toPrecision(3)} kg, scale ${Number(o.scale).toPrecision(3)}`);
  if (meta.camera) add("camera", JSON.stringify(meta.camera.path ?? meta.camera).slice(0, 120));
  if (meta.sampled) for (const [k, v] of Object.entries(meta.sampled)) add(k, JSON.stringify(v));
  return rows;
}

function checkRows(checks) {
  if (!checks) return [el("p", { class: "muted" }, "No automatic checks recorded for this clip.")];
  const rows = [el("p", { class: "check" }, el("span", { class: checks.passed ? "ok" : "bad" },
                                                checks.passed ? "✓ all checks passed" : "✗ a check failed"))];
  for (const [name, value] of Object.entries(checks)) {
    if (name === "passed") continue;
    const passed = value && typeof value === "object" ? value.passed : undefined;
    const rest = value && typeof value === "object"
      ? Object.entries(value).filter(([k]) => k !== "passed").map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ")
      : JSON.stringify(value);
    rows.push(el("p", { class: "check" },
      passed === undefined ? "" : el("span", { class: passed ? "ok" : "bad" }, passed ? "✓ " : "✗ "),
      `${name}: ${rest}`));
  }
  return rows;
}

async function openDetail() {
  const clip = state.shown[state.current];
  if (!clip) return;
  state.detailOpen = true;
  for (const v of document.querySelectorAll(".card video")) v.pause();
  $("detail").hidden = false;
  const sameClip = state.detailName === clip.name;
  state.detailName = clip.name;
  const verdict = verdictOf(clip);
  $("detail-name").textContent = `${clip.name} · ${clip.template}`;
  const status = $("detail-status");
  status.className = `status ${verdict}`;
  status.textContent = verdict === "accept" ? "accepted" : verdict === "reject" ? "rejected" : "undecided";
  $("detail-caption").textContent = clip.caption;
  $("caption-edited").hidden = clip.edited_caption === null;
  $("detail-own-caption").hidden = clip.edited_caption === null;
  $("detail-own-caption").textContent = `own caption: ${clip.own_caption}`;
  $("detail-decision").textContent = clip.decision
    ? `${status.textContent}${clip.decision.reason ? `: ${clip.decision.reason}` : ""} — ${clip.decision.reviewer}, ${clip.decision.time}`
    : "undecided";
  $("detail-checks").replaceChildren(...checkRows(clip.checks));
  if (sameClip) return;

  const video = $("detail-video");
  video.src = clip.video;
  video.play().catch(() => {});
  const slider = $("frame-slider");
  slider.max = Math.max(clip.frames - 1, 0);
  slider.value = 0;
  $("labels").replaceChildren(...clip.channels.map((ch) =>
    el("figure", {}, el("img", { alt: ch, dataset: { channel: ch }, style: `aspect-ratio: ${clip.width} / ${clip.height}` }),
       el("figcaption", {}, ch))));
  showFrame(0);
  try {
    const detail = await api(`/api/clips/${encodeURIComponent(clip.name)}`);
    if (state.detailName !== clip.name) return;
    const meta = detail.metadata || {};
    $("detail-params").replaceChildren(...paramRows(meta));
    const small = Object.fromEntries(Object.entries(meta).filter(([k]) => !BIG_KEYS.includes(k)));
    $("detail-json").textContent = JSON.stringify(small, null, 2);
  } catch (error) {
    toast(`cannot load ${clip.name}: ${error.message}`, true);
  }
}

let shownFrame = -1;
function showFrame(frame) {
  const clip = state.shown[state.current];
  if (!clip || frame === shownFrame) return;
  shownFrame = frame;
  $("frame-slider").value = frame;
  $("frame-label").textContent = `frame ${frame + 1} / ${clip.frames}`;
  for (const img of $("labels").querySelectorAll("img"))
    img.src = `/api/labels/${encodeURIComponent(clip.name)}/${img.dataset.channel}/${frame}.png`;
}

function closeDetail() {
  state.detailOpen = false;
  state.detailName = null;
  shownFrame = -1;
  const video = $("detail-video");
  video.pause();
  video.removeAttribute("src");
  $("detail").hidden = true;
  highlight();
}

$("detail-video").addEventListener("timeupdate", (e) => {
  const clip = state.shown[state.current];
  if (!clip || !state.detailOpen) return;
  showFrame(Math.min(clip.frames - 1, Math.floor(e.target.currentTime * clip.fps + 1e-3)));
});
$("frame-slider").addEventListener("input", (e) => {
  const clip = state.shown[state.current];
  const video = $("detail-video");
  video.pause();
  video.currentTime = (Number(e.target.value) + 0.5) / clip.fps;
  showFrame(Number(e.target.value));
});
$("detail-close").addEventListener("click", closeDetail);
$("detail-prev").addEventListener("click", () => select(state.current - 1));
$("detail-next").addEventListener("click", () => select(state.current + 1));
for (const id of ["filter-template", "filter-checks", "filter-review"])
  $(id).addEventListener("change", () => { applyFilters(); $(id).blur(); });

// --- keyboard --------------------------------------------------------------------------

document.addEventListener("keydown", (e) => {
  if (!$("modal").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  const tag = document.activeElement?.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
  const actions = {
    a: () => decide({ decision: "accept" }),
    r: reject,
    e: editCaption,
    u: () => decide({ decision: "undecided" }),
    n: () => select(state.current + 1), j: () => select(state.current + 1),
    p: () => select(state.current - 1), k: () => select(state.current - 1),
    Enter: openDetail, o: openDetail,
    Escape: () => { if (state.detailOpen) closeDetail(); },
  };
  const action = actions[e.key];
  if (!action) return;
  e.preventDefault();
  action();
});

load().catch((error) => toast(`cannot load the clips: ${error.message}`, true));
