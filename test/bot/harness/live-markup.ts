/** What GitHub would make live of a reply: its rendered HTML with every code span and block emptied. */
import MarkdownIt from 'markdown-it';

/** GitHub's comment Markdown, near enough: HTML passes through, bare URLs become links. */
const markdown = new MarkdownIt({ html: true, linkify: true });

/** The reply rendered, with the text of every code span and block taken out: what would be live. */
export function liveParts(reply: string): string {
  return markdown
    .render(reply)
    .replace(/<code>[\s\S]*?<\/code>/g, '<code></code>')
    .replace(/<pre>[\s\S]*?<\/pre>/g, '<pre></pre>');
}
