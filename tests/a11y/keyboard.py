"""Moving through a page with the keyboard alone, checking at every step that focus is visible.

`Keyboard(page).tab_to(matches)` presses Tab (or Shift+Tab) until the focused element matches,
failing if focus is ever invisible, stuck on one element (a trap), or the element is not reached.
"""

from dataclasses import dataclass

# What a sighted keyboard user sees of the focused element: an outline or a box-shadow drawn
# from :focus-visible, on an element that is rendered and not faded out by an ancestor. CSS
# transitions started by the focus (Plotly fades its toolbar in) are waited for first.
_FOCUSED = """async () => {
  const fading = document.getAnimations().filter((a) => a instanceof CSSTransition);
  await Promise.all(fading.map((a) => a.finished.catch(() => null)));
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  let opacity = 1;
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    opacity *= parseFloat(getComputedStyle(node).opacity);
  }
  const all = document.getElementsByTagName("*");
  return {
    index: Array.prototype.indexOf.call(all, el),
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: el.getAttribute("name") || "",
    href: el.getAttribute("href") || "",
    type: el.getAttribute("type") || "",
    role: el.getAttribute("role") || "",
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 120),
    checked: !!el.checked,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    rendered: box.width > 0 && box.height > 0,
    on_screen: box.bottom > 0 && box.right > 0,
    opacity: opacity,
  };
}"""


MULTI_STOP = {"date", "time", "datetime-local", "month", "week"}


@dataclass
class Focus:
    index: int
    tag: str
    id: str
    name: str
    href: str
    type: str
    role: str
    text: str
    checked: bool
    outline: bool
    shadow: bool
    rendered: bool
    on_screen: bool
    opacity: float

    @property
    def visible(self) -> bool:
        return (self.outline or self.shadow) and self.rendered and self.opacity >= 0.5

    def __str__(self):
        who = f"#{self.id}" if self.id else (self.href or self.name or self.text[:40])
        return f"<{self.tag} {who}>"


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.steps = 0  # keys pressed, for the report

    def focused(self) -> Focus | None:
        info = self.page.evaluate(_FOCUSED)
        return None if info is None else Focus(**info)

    def press(self, key: str) -> None:
        self.steps += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.steps += 1
        self.page.keyboard.type(text)

    def replace(self, text: str) -> None:
        """Select what the focused field holds and type over it."""
        self.press("Control+a")
        self.type(text)

    def tab(self, *, back: bool = False) -> Focus | None:
        before = self.focused()
        self.press("Shift+Tab" if back else "Tab")
        now = self.focused()
        if now is not None:
            assert now.visible, f"focus is not visible on {now}: {now!r}"
            # A date field has a tab stop per part (day, month, year) within the one element.
            moved = before is None or now.index != before.index or now.type in MULTI_STOP
            assert moved, f"focus is trapped on {now}"
        return now

    def tab_to(self, matches, *, back: bool = False, limit: int = 150) -> Focus:
        """Tab until `matches(focus)`; every element passed on the way must show its focus."""
        passed = []
        for _ in range(limit):
            now = self.tab(back=back)
            if now is not None and matches(now):
                return now
            passed.append(str(now))
        raise AssertionError(f"not reached in {limit} tabs; passed: {', '.join(passed[-20:])}")

    def skip_to_main(self) -> None:
        """Right after a page loads, the first Tab lands on the skip link, which moves focus to
        <main>: the next Tab is then the first control of the page's content.

        A form posted after using the skip link keeps its #main fragment across the redirect,
        so the next page opens already moved to <main>: then there is nothing to skip."""
        if self.page.url.endswith("#main"):
            assert self.page.locator("a.skip-link[href='#main']").count() == 1
            return
        link = self.tab()
        assert link is not None and link.href == "#main", f"first stop {link} is no skip link"
        assert link.text == "Skip to main content"
        assert link.on_screen, "the skip link stays off screen when focused"
        self.press("Enter")
        main = self.focused()
        assert main is not None and main.id == "main", f"the skip link moved focus to {main}"

    def walk_whole_page(self, limit: int = 400) -> list[Focus]:
        """Right after a page loads, Tab until focus leaves the document: every stop visible,
        none a trap."""
        stops = []
        for _ in range(limit):
            now = self.tab()
            if now is None:
                return stops
            stops.append(now)
        raise AssertionError(f"focus never left the page in {limit} tabs: trapped near {stops[-1]}")
