/* newsweave: a little progressive enhancement. The pages work without it.
 *
 * A brief citation is a link to the cited sentence, highlighted in its report. With
 * JavaScript, a click first shows that sentence right under the brief item (built with
 * textContent: report text is never parsed as HTML); the preview links on to the report.
 */
(function () {
  "use strict";
  var doc = document;

  function closePreviews(except) {
    var open = doc.querySelectorAll(".cite-preview");
    for (var i = 0; i < open.length; i++) {
      if (open[i] !== except) { open[i].parentNode.removeChild(open[i]); }
    }
    var active = doc.querySelectorAll("a.cite.is-active");
    for (i = 0; i < active.length; i++) { active[i].classList.remove("is-active"); }
  }

  function preview(link) {
    var quote = link.getAttribute("data-quote");
    if (!quote) { return false; }
    var item = link.closest("p.item");
    if (!item) { return false; }
    var next = item.nextElementSibling;
    var again = next && next.classList.contains("cite-preview") && next.getAttribute("data-for") === link.getAttribute("href");
    closePreviews(null);
    if (again) { return true; }
    var box = doc.createElement("div");
    box.className = "cite-preview";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "cited sentence");
    box.setAttribute("data-for", link.getAttribute("href"));
    var source = doc.createElement("p");
    source.className = "source";
    source.textContent = link.getAttribute("data-source") || "";
    var block = doc.createElement("blockquote");
    var mark = doc.createElement("mark");
    mark.className = "cited";
    mark.textContent = quote;
    block.appendChild(mark);
    var open = doc.createElement("a");
    open.className = "open-report";
    open.href = link.getAttribute("href");
    open.textContent = "Read it in its report →";
    box.appendChild(source);
    box.appendChild(block);
    box.appendChild(open);
    item.parentNode.insertBefore(box, item.nextSibling);
    link.classList.add("is-active");
    return true;
  }

  doc.addEventListener("click", function (ev) {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) { return; }
    var link = ev.target && ev.target.closest ? ev.target.closest("a.cite") : null;
    if (link && preview(link)) { ev.preventDefault(); }
  });
  doc.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { closePreviews(null); }
  });
}());
