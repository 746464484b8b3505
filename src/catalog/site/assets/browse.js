// Progressive enhancement for the catalog site: every page is complete without this script.
// It reveals the controls, filters the index, switches the inputs table between versions,
// recomputes the inputs diff and copies the include. inputRowsHtml, diffListHtml and diffInputs
// are prepended by the site build from the TypeScript the server rendering uses.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  function reveal() {
    document.querySelectorAll('[data-js]').forEach(function (el) { el.hidden = false; });
  }

  function index() {
    var list = $('components');
    var q = $('q'), service = $('service'), category = $('category'), count = $('count');
    var items = Array.prototype.slice.call(list.children);
    var params = new URLSearchParams(location.search);
    if (params.get('q')) q.value = params.get('q');
    function apply() {
      var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (li) {
        var text = li.getAttribute('data-search');
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; })
          && (!service.value || li.getAttribute('data-services').split('|').indexOf(service.value) >= 0)
          && (!category.value || li.getAttribute('data-category') === category.value);
        li.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown === items.length
        ? items.length + (items.length === 1 ? ' component' : ' components')
        : shown + ' of ' + items.length + ' components match' + (shown ? '' : '. Clear the search or pick another service.');
    }
    $('filters').addEventListener('submit', function (e) { e.preventDefault(); });
    [q, service, category].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
    apply();
  }

  function component(data) {
    var select = $('version'), snippet = $('snippet'), status = $('copy-status');
    function current() {
      var name = select.value;
      return data.versions.filter(function (v) { return v.version === name; })[0] || data.versions[0];
    }
    function pin() {
      var checked = document.querySelector('input[name=pin]:checked');
      return checked ? checked.value : 'tag';
    }
    function render() {
      var v = current();
      var sha = document.querySelector('input[name=pin][value=sha]');
      if (sha) {
        sha.disabled = !v.sha;
        if (!v.sha && sha.checked) document.querySelector('input[name=pin][value=tag]').checked = true;
      }
      snippet.textContent = pin() === 'sha' && v.sha ? v.sha : v.tag;
      $('inputs').innerHTML = inputRowsHtml(v.inputs, data.descriptions);
      $('inputs-version').textContent = v.version;
      status.textContent = '';
    }
    select.addEventListener('change', render);
    document.querySelectorAll('input[name=pin]').forEach(function (r) { r.addEventListener('change', render); });
    var from = $('diff-from'), to = $('diff-to');
    function diff() {
      var a = data.versions.filter(function (v) { return v.version === from.value; })[0];
      var b = data.versions.filter(function (v) { return v.version === to.value; })[0];
      $('diff').innerHTML = diffListHtml(diffInputs(a, b), a.version, b.version);
    }
    if (from && to) { from.addEventListener('change', diff); to.addEventListener('change', diff); }
    $('copy').addEventListener('click', function () {
      var text = snippet.textContent;
      function done(ok) { status.textContent = ok ? 'Copied the include to the clipboard.' : 'Copy failed: select the text and copy it.'; }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(text)); });
      } else done(fallback(text));
    });
    function fallback(text) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('aria-hidden', 'true');
      area.style.position = 'fixed'; area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      return ok;
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    reveal();
    if ($('components')) index();
    var data = $('page-data');
    if (data) component(JSON.parse(data.textContent));
  });
})();
