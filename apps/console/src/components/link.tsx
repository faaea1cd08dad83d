/** A link inside the console: navigates without reloading the page. */
import type { ComponentChildren } from 'preact';
import { navigate } from './use-route';

export function Link({ href, children, class: className }: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={href}
      class={className}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
