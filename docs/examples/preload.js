// The element loaded with the page, hidden; the click only shows it. Its events wait until then.
document.getElementById("show-integrations").addEventListener("click", () => {
  document.getElementById("integrations").hidden = false;
});

// A single-page app: keep the preloaded element outside your routes and move it into the route's outlet
// when that route shows. moveBefore() keeps its frame and page; appendChild() would load it afresh.
function showIntegrationsIn(outlet) {
  const element = document.getElementById("integrations");
  if (outlet.moveBefore) outlet.moveBefore(element, null);
  else outlet.append(element);
  element.hidden = false;
}
