"""The page's look and chrome: its stylesheet, the citation-link script and the header.

What it does: holds the CSS (verdict colours, badges, urgent warnings, the two-column source
paragraphs), the script that makes any ``#para-<id>`` link in the app open the Sources tab at
that paragraph, and the header with the disclaimer in both languages. :func:`launch_options`
gives ``Blocks.launch`` what the look needs.

What it leaves out: gradio itself (these are strings) and the tabs' content.
"""
from __future__ import annotations

from .texts import T, t

CSS = """
#tmo-lang {align-self: flex-start;}
.tmo-header h1 {margin: 0 0 .2rem 0; font-size: 1.5rem;}
.tmo-header p {margin: .1rem 0;}
.tmo-disclaimer-banner {display: inline-block; margin-top: .35rem; padding: .25rem .6rem; border-radius: 6px;
  background: #fff4e5; color: #8a4b00; border: 1px solid #f5c27a; font-weight: 600;}
.tmo-report h4 {margin: .9rem 0 .3rem 0;}
.tmo-verdict {padding: .6rem .8rem; border-radius: 8px; font-size: 1.05rem; border: 1px solid #ccc;}
.tmo-verdict-confirmed {background: #e6f6ec; border-color: #27ae60;}
.tmo-verdict-probable {background: #eef7e6; border-color: #7cb342;}
.tmo-verdict-possible {background: #fff8e1; border-color: #f0b400;}
.tmo-verdict-unlikely {background: #fdecea; border-color: #e57373;}
.tmo-verdict-insufficient {background: #f1f1f1; border-color: #9e9e9e;}
.tmo-urgent {margin-top: .5rem; padding: .55rem .8rem; border-radius: 8px; background: #c62828; color: #fff;
  font-weight: 700;}
.tmo-diff-urgent {border-left: 5px solid #c62828; padding-left: .5rem; background: #fff1f0;}
.tmo-urgent-tag {background: #c62828; color: #fff; border-radius: 4px; padding: 0 .35rem; font-size: .8rem;
  font-weight: 700;}
.tmo-diffs > li {margin-bottom: .45rem;}
.tmo-criteria {width: 100%; border-collapse: collapse; font-size: .9rem;}
.tmo-criteria th, .tmo-criteria td {border-bottom: 1px solid #e3e3e3; padding: .3rem .4rem; vertical-align: top;
  text-align: left;}
.tmo-badge {border-radius: 4px; padding: 0 .35rem; white-space: nowrap; font-weight: 600;}
.tmo-badge-met {background: #e6f6ec; color: #1b7a3d;}
.tmo-badge-not_met {background: #fdecea; color: #a12622;}
.tmo-badge-unknown {background: #eeeeee; color: #555;}
.tmo-muted {color: #777; font-size: .9rem;}
.tmo-disclaimer {margin-top: .8rem; padding: .5rem .7rem; border-radius: 6px; background: #fff4e5; color: #6b3a00;
  font-size: .9rem;}
.tmo-note {padding: .6rem .8rem; border-radius: 8px; background: #f3f6fb; border: 1px solid #cfd8e3;}
.tmo-note-error {background: #fdecea; border-color: #e57373;}
.tmo-para {border-bottom: 1px solid #e6e6e6; padding: .5rem 0; scroll-margin-top: 80px;}
.tmo-para-head {font-size: .85rem; color: #555; margin-bottom: .2rem;}
.tmo-para-cols, .tmo-para-header {display: grid; grid-template-columns: 1fr 1fr; gap: 1rem;}
.tmo-para-header {font-weight: 700; border-bottom: 2px solid #ccc; padding-bottom: .2rem;}
.tmo-lang {font-size: .7rem; font-weight: 700; color: #fff; background: #8795a8; border-radius: 3px;
  padding: 0 .25rem; margin-right: .2rem;}
.tmo-para.tmo-flash {background: #fff7c2; transition: background 0.4s;}
.tmo-sources mark {background: #ffe58a; padding: 0;}
.tmo-timeline-table {font-size: .85rem;}
"""

# Citation links (href="#para-<id>") anywhere in the app open the Sources tab at that paragraph.
CITE_JS = """
if (!window.__tmoCite) {
  window.__tmoCite = true;
  const openPara = (id) => {
    const tab = document.querySelector('#tab-sources-button') ||
      [...document.querySelectorAll('button[role="tab"]')].find(b => b.textContent.trim() === 'Sources');
    if (tab) tab.click();
    let tries = 0;
    const show = () => {
      const el = document.getElementById('para-' + id);
      if (el) {
        el.scrollIntoView({block: 'center'});
        el.classList.add('tmo-flash');
        setTimeout(() => el.classList.remove('tmo-flash'), 2500);
      } else if (tries++ === 6) {
        const box = document.querySelector('#tmo-search textarea, #tmo-search input');
        if (box) { box.value = id; box.dispatchEvent(new Event('input', {bubbles: true})); }
        setTimeout(show, 300);
      } else if (tries < 20) {
        setTimeout(show, 150);
      }
    };
    setTimeout(show, 120);
  };
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#para-"]');
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    openPara(a.getAttribute('href').slice(6));
  }, true);
}
"""


def header_html(lang: str) -> str:
    return (f'<div class="tmo-header"><h1>{t("title", lang)}</h1><p>{t("subtitle", lang)}</p>'
            f'<span class="tmo-disclaimer-banner" id="tmo-disclaimer">⚠️ {T["disclaimer"]["en"]} / '
            f'{T["disclaimer"]["fr"]}</span></div>')


def launch_options() -> dict:
    """Keyword arguments for ``Blocks.launch`` that the app's look needs (Gradio 6 takes css there)."""
    return {"css": CSS}

