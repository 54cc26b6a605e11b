/**
 * The dashboard page: a header with the run's figures at time t, the time slider (scrubbing a
 * finished run, following a live one), and one panel per view, all redrawn for t. The panels
 * and their order follow the run's kind (`panelsFor`): no panel waits for data the run
 * cannot have.
 */
import type { LiveTotals } from '../live-messages.ts';
import { framesSentBy, runKind, tokensBy, type RunKind, type RunModel } from '../views/run-model.ts';
import { drawDelivery } from './delivery-view.ts';
import { humanEnergy } from '../../metrics/human-units.ts';
import { samplingNotes } from '../views/sampling-notes.ts';
import { duration, panel, type Panel } from './chart.ts';
import { drawDutyCycle } from './duty-cycle-view.ts';
import { drawEnergy } from './energy-view.ts';
import { drawExperts } from './expert-view.ts';
import { drawFederated } from './federated-view.ts';
import { drawLatency } from './latency-view.ts';
import { drawMap } from './map-view.ts';


export interface App {
  model: RunModel;
  /** Redraws every view at `t` (default: the slider's time, or the run's end). */
  render(t?: number): void;
  /** Live mode: the run's latest figures; the views follow its time. */
  follow(totals: LiveTotals): void;
  /** A status line (live connection, run finished, problems). */
  status(text: string, kind?: 'info' | 'problem' | 'done'): void;
}

const sliderSteps = 1000;

type PanelId = 'map' | 'latency' | 'energy' | 'experts' | 'federated' | 'delivery' | 'duty';

/** The panels of a run of each kind, in order: what the run is about first, the radio's bill after. */
export const panelsFor: Record<RunKind, readonly PanelId[]> = {
  radio: ['map', 'delivery', 'energy', 'duty'],
  serving: ['map', 'latency', 'experts', 'energy', 'delivery', 'duty'],
  federated: ['map', 'federated', 'energy', 'delivery', 'duty'],
};

const panelTexts: Record<PanelId, readonly [string, string]> = {
  map: ['Swarm map', 'Where the nodes are, what they hold, their batteries, the links they heard, the frames on the air, and the nodes none of whose frames got through.'],
  latency: ['Token latency', 'How long each generated token took, and where the time went.'],
  energy: ['Joules', 'Energy per node by radio and MCU state, batteries over time, and joules per token.'],
  experts: ['Expert load', 'How often each routed expert\'s output went into a token, layer by layer (summary.json\'s expertLoad counts the calls served, replies lost on the way included).'],
  federated: ['Federated learning', 'What each round bought in accuracy, and what it cost in joules and airtime.'],
  delivery: ['Delivery', 'What became of the frames at the receivers they addressed: fates over time, and the delivery ratio by spreading factor, by gateway and against distance.'],
  duty: ['Duty-cycle use', 'How much of each sub-band\'s legal airtime the busiest nodes used.'],
};

export function createApp(model: RunModel, live: boolean): App {
  document.title = `loraswarm: ${model.meta.title}`;
  const header = document.createElement('header');
  header.innerHTML = `<h1></h1><p class="status" role="status"></p><div class="sampling"></div><dl class="counters"></dl>
    <div class="timebar"><button type="button" class="play" aria-label="play the run">▶ play</button>
    <input type="range" min="0" max="${sliderSteps}" value="${sliderSteps}" aria-label="time in the run">
    <output class="time"></output></div>`;
  header.querySelector('h1')!.textContent = `loraswarm · ${model.meta.title}${live ? ' · live' : ''}`;
  const main = document.createElement('main');
  document.body.append(header, main);
  const statusLine = header.querySelector<HTMLElement>('.status')!;
  const notes = samplingNotes(model);
  for (const text of notes.page) {
    const p = document.createElement('p');
    p.textContent = text;
    header.querySelector('.sampling')!.appendChild(p);
  }
  const counters = header.querySelector<HTMLElement>('.counters')!;
  const slider = header.querySelector<HTMLInputElement>('input[type=range]')!;
  const play = header.querySelector<HTMLButtonElement>('.play')!;
  const timeLabel = header.querySelector<HTMLOutputElement>('.time')!;
  if (live) {
    slider.disabled = true;
    play.hidden = true;
  }
  const kind = runKind(model);
  document.body.dataset.kind = kind;
  const panels: Partial<Record<PanelId, Panel>> = {};
  for (const id of panelsFor[kind]) panels[id] = panel(main, id, panelTexts[id][0], panelTexts[id][1]);
  let includeMains = false;
  let deliveryOver = 'all';
  let totals: LiveTotals | undefined;
  let current = model.endMs;
  let rendered = false;

  const figure = (name: string, label: string, value: string, count?: number): string =>
    `<div class="counter counter-${name}"${count === undefined ? '' : ` data-count="${count}"`}><dt>${label}</dt><dd>${value}</dd></div>`;

  const app: App = {
    model,
    render(t) {
      current = t ?? (live ? (totals?.atMs ?? model.endMs) : (model.endMs * Number(slider.value)) / sliderSteps);
      const windowMs = Math.max(1000, model.endMs / sliderSteps);
      if (model.meta.problem) app.status(model.meta.problem, 'problem');
      const tokens = totals?.tokens ?? tokensBy(model, current).length;
      const frames = totals?.framesSent ?? framesSentBy(model, current);
      const alive = totals?.nodesAlive ?? model.nodes.length - model.nodes.filter((n) => n.diedAtMs !== null && n.diedAtMs <= current).length;
      const rounds = totals?.rounds ?? model.rounds.filter((r) => r.endMs <= current).length;
      counters.innerHTML = [
        figure('time', 'virtual time', duration(current)),
        figure('nodes', 'nodes alive', `${alive} of ${model.nodes.length}`, model.nodes.length),
        ...(kind === 'serving' || model.tokens.length > 0 ? [figure('tokens', 'tokens generated', String(tokens), tokens)] : []),
        figure('frames', 'frames sent', String(frames), frames),
        ...(totals ? [figure('energy', 'energy', humanEnergy(totals.energyJ), totals.energyJ)] : []),
        ...(kind === 'federated' || rounds > 0 ? [figure('rounds', 'rounds closed', String(rounds), rounds)] : []),
      ].join('');
      timeLabel.textContent = live ? `live: ${duration(current)} of virtual time` : `t = ${duration(current)} of ${duration(model.endMs)}`;
      const setIncludeMains = (include: boolean): void => {
        includeMains = include;
        app.render(t);
      };
      if (panels.map) drawMap(panels.map, model, current, windowMs, live, notes.map);
      if (panels.latency) drawLatency(panels.latency, model, current);
      if (panels.experts) drawExperts(panels.experts, model, current);
      if (panels.federated) drawFederated(panels.federated, model, current, totals);
      if (panels.energy) drawEnergy(panels.energy, model, current, notes.energy, { includeMains, setIncludeMains, ...(totals?.energyTop && { liveTop: totals.energyTop }) });
      const setDeliveryOver = (over: string): void => {
        deliveryOver = over;
        app.render(t);
      };
      if (panels.delivery) drawDelivery(panels.delivery, model, current, { over: deliveryOver, setOver: setDeliveryOver });
      if (panels.duty) drawDutyCycle(panels.duty, model, current, notes.duty);
      if (!rendered) {
        rendered = true;
        document.body.dataset.rendered = 'true';
        document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
      }
    },
    follow(next) {
      totals = next;
      model.endMs = Math.max(model.endMs, next.atMs);
      app.render(next.atMs);
    },
    status(text, kind = 'info') {
      statusLine.textContent = text;
      statusLine.className = `status ${kind}`;
    },
  };

  let frameRequested = false;
  slider.addEventListener('input', () => {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      app.render();
    });
  });
  let playing: ReturnType<typeof setInterval> | undefined;
  play.addEventListener('click', () => {
    if (playing !== undefined) {
      clearInterval(playing);
      playing = undefined;
      play.textContent = '▶ play';
      return;
    }
    if (Number(slider.value) >= sliderSteps) slider.value = '0';
    play.textContent = '❚❚ pause';
    playing = setInterval(() => {
      slider.value = String(Math.min(sliderSteps, Number(slider.value) + 5));
      app.render();
      if (Number(slider.value) >= sliderSteps) play.click();
    }, 100);
  });
  return app;
}

/** The page's embedded data (report.html) or live configuration (served page). */
export function embeddedData<T>(): T {
  const element = document.getElementById('loraswarm-data');
  return JSON.parse(element?.textContent ?? '{}') as T;
}
