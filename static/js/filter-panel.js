// On a phone the filters would push the claims below the fold: there the
// panel starts folded behind its summary. Without this script it stays open.
const narrow = window.matchMedia("(max-width: 40rem)");
for (const panel of document.querySelectorAll("details.filter-panel")) {
    if (narrow.matches) {
        panel.open = false;
    }
}
