import { classifyStructure } from './core/layer';
import { Store } from './state/store';
import { mountApp } from './ui/app';
import './ui/style.css';
import { StructureView } from './view/structure-view';
import { ComputeClient } from './workers/client';

// Composition root: one compute worker, one store, one view, the DOM shell.
const client = new ComputeClient(() => new Worker(new URL('./workers/compute.worker.ts', import.meta.url), { type: 'module' }));
const store = new Store(client, classifyStructure);
const view = new StructureView(document.getElementById('view') as HTMLCanvasElement);
mountApp(store, view);
void store.refreshStatus();

// A handle for the end-to-end tests and the console; nothing in the app depends on it.
Object.assign(window, { heterolab: { store, view, client } });
