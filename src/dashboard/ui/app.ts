/**
 * The dashboard page: a header with the run's figures at time t, the time slider (scrubbing a
 * finished run, following a live one), and one panel per view, all redrawn for t.
 */
import type { LiveTotals } from '../live-messages.ts';
import { framesSentBy, tokensBy, type RunModel } from '../views/run-model.ts';
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
  const panels: Record<string, Panel> = {
    map: panel(main, 'map', 'Swarm map', 'Where the nodes are, what they hold, their batteries, the links they heard and the frames on the air.'),
    latency: panel(main, 'latency', 'Token latency', 'How long each generated token took, and where the time went.'),
    energy: panel(main, 'energy', 'Joules', 'Energy per node by radio and MCU state, batteries over time, and joules per token.'),
    experts: panel(main, 'experts', 'Expert load', 'How often each routed expert\'s output went into a token, layer by layer (summary.json\'s expertLoad counts the calls served, replies lost on the way included).'),
    federated: panel(main, 'federated', 'Federated learning', 'What each round bought in accuracy, and what it cost in joules and airtime.'),
    duty: panel(main, 'duty', 'Duty-cycle use', 'How much of each sub-band\'s legal airtime the busiest nodes used.'),
  };
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
        ...(model.tokens.length > 0 || (totals !== undefined && model.placement.length > 0) ? [figure('tokens', 'tokens generated', String(tokens), tokens)] : []),
        figure('frames', 'frames sent', String(frames), frames),
        ...(totals ? [figure('energy', 'energy', `${totals.energyJ.toFixed(1)} J`)] : []),
        ...(model.rounds.length > 0 || rounds > 0 ? [figure('rounds', 'rounds', String(rounds), rounds)] : []),
      ].join('');
      timeLabel.textContent = live ? `live: ${duration(current)} of virtual time` : `t = ${duration(current)} of ${duration(model.endMs)}`;
      drawMap(panels.map!, model, current, windowMs, live, notes.map);
      drawLatency(panels.latency!, model, current);
      drawEnergy(panels.energy!, model, current, notes.energy);
      drawExperts(panels.experts!, model, current);
      drawFederated(panels.federated!, model, current);
      drawDutyCycle(panels.duty!, model, current, notes.duty);
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
