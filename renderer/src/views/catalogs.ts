/** Team catalogs on the main screen: each one's last sync (or its failure), its last changes and collisions. */
import type { AppState, CatalogView } from '../../../electron/ipc/contract.js';
import { localTime } from '../../../electron/core/domain/local-time.js';
import { h, icon, toast } from '../dom.js';
import type { Store } from '../store.js';

/** When, for a person: the local time today, else the date and time. */
function when(iso: string, now: number): string {
  const at = new Date(iso);
  const sameDay = new Date(now).toDateString() === at.toDateString();
  return sameDay ? localTime(at) : `${at.toLocaleDateString()} ${localTime(at)}`;
}

/** The catalogs' panel, or null when the user subscribes to none. */
export function catalogPanel(store: Store, state: AppState, now: number): HTMLElement | null {
  const catalogs = state.catalogs ?? [];
  if (catalogs.length === 0) return null;
  return h(
    'section',
    { class: 'catalogs pad', 'aria-labelledby': 'catalogs-title' },
    h('h2', { id: 'catalogs-title', class: 'section-title' }, 'Team catalogs'),
    ...catalogs.map((catalog) => catalogEntry(store, state, catalog, now)),
  );
}

/** The identity every account of the catalog is assumed from; changing it maps the catalog to another. */
function identityPicker(store: Store, state: AppState, catalog: CatalogView): HTMLElement {
  const select = h(
    'select',
    { id: `catalog-identity-${catalog.name}`, class: 'catalog-identity' },
    catalog.identityId === undefined ? h('option', { value: '', selected: true }, 'Choose…') : null,
    ...state.identities.map((i) =>
      h('option', { value: i.id, selected: i.id === catalog.identityId }, i.name),
    ),
  );
  select.addEventListener('change', () => {
    if (!select.value) return;
    void store.api.mapCatalog({ name: catalog.name, identityId: select.value }).then((result) => {
      toast(
        result.ok
          ? `${catalog.name} now uses ${select.selectedOptions[0]?.textContent ?? ''}.`
          : result.error.message,
      );
    });
  });
  return h('p', { class: 'small' }, h('label', { for: select.id }, 'Assume its roles as '), select);
}

function catalogEntry(store: Store, state: AppState, catalog: CatalogView, now: number): HTMLElement {
  const synced = catalog.lastSyncAt ? `synced ${when(catalog.lastSyncAt, now)}` : 'never synced';
  const lines: Array<HTMLElement | null> = [
    h(
      'p',
      { class: 'catalog-head' },
      h('strong', {}, catalog.name),
      ` · ${catalog.roles} role${catalog.roles === 1 ? '' : 's'} · read-only · ${synced}`,
    ),
    h('p', { class: 'muted small catalog-source' }, catalog.source),
    identityPicker(store, state, catalog),
  ];
  if (catalog.lastError) {
    // The last good copy stays in use: say so, so a user knows the roles shown may be out of date.
    lines.push(
      h(
        'div',
        { class: 'warning catalog-failed', role: 'alert' },
        icon('warn'),
        h(
          'div',
          {},
          h('p', {}, `The last sync failed: ${catalog.lastError}`),
          h(
            'p',
            { class: 'small' },
            catalog.lastSyncAt
              ? `Rolebar keeps using the last good copy, from ${when(catalog.lastSyncAt, now)}.`
              : 'Nothing from this catalog is in use yet.',
          ),
        ),
      ),
    );
  }
  const changes = catalog.lastChanges;
  if (changes) {
    const total = changes.added.length + changes.removed.length + changes.changed.length + changes.more;
    lines.push(
      h(
        'details',
        { class: 'catalog-changes' },
        h('summary', {}, `Changed at ${when(changes.at, now)}: ${total} change${total === 1 ? '' : 's'}`),
        h(
          'ul',
          { class: 'small' },
          ...changes.added.map((id) => h('li', {}, `Added ${id}`)),
          ...changes.removed.map((id) => h('li', {}, `Removed ${id}`)),
          ...changes.changed.map((c) =>
            h(
              'li',
              {},
              `${c.id}: ${c.what} ${c.from} → ${c.to}`,
              c.held ? ' (your active session stays on the old ARN until you sign out of it)' : '',
            ),
          ),
          changes.more > 0 ? h('li', {}, `and ${changes.more} more`) : null,
        ),
      ),
    );
  }
  for (const c of catalog.collisions) {
    lines.push(
      h(
        'p',
        { class: 'small catalog-collision' },
        `Profile ${c.profile}: your role “${c.keptRole}” is used; the catalog’s ${c.role} is left out.`,
      ),
    );
  }
  if (catalog.unmapped > 0) {
    lines.push(
      h(
        'p',
        { class: 'small catalog-unmapped' },
        `${catalog.unmapped} role${catalog.unmapped === 1 ? ' has' : 's have'} no identity to assume ${catalog.unmapped === 1 ? 'it' : 'them'} from: `,
        h('code', {}, `rolebar catalog map ${catalog.name} --identity NAME`),
      ),
    );
  }
  return h(
    'div',
    { class: 'catalog', 'data-catalog': catalog.name },
    ...lines.filter((l): l is HTMLElement => l !== null),
  );
}
