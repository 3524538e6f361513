// Temporary: proves the Storybook set-up (legacy decorators, one Lit) until the real stories land.
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Meta, StoryObj } from '@storybook/web-components-vite';

@customElement('storybook-smoke')
class StorybookSmoke extends LitElement {
  static override styles = css`
    :host { display: inline-block; padding: 1rem 1.5rem; border-radius: 12px; border: 2px solid currentColor; font: 16px system-ui; }
  `;
  @property() label = 'default';
  @state() private clicks = 0;
  override render() {
    return html`<button @click=${() => this.clicks++}>${this.label}: ${this.clicks}</button>
      <span>decorators ok: ${this.constructor.name}</span>`;
  }
}

const meta: Meta = { title: 'Internal/Storybook smoke', component: 'storybook-smoke' };
export default meta;
export const Basic: StoryObj = { args: { label: 'hello' }, render: (args) => html`<storybook-smoke label=${args.label}></storybook-smoke>` };
void StorybookSmoke;
