// The Tracker add-on (sheets_templates/addon/Code.gs) run in a vm context with small fakes of
// SpreadsheetApp, UrlFetchApp, ScriptApp and HtmlService. Run: node --test tests/addon
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const test = require('node:test');
const vm = require('node:vm');

const ADDON = path.join(__dirname, '..', '..', 'sheets_templates', 'addon');
const CODE = fs.readFileSync(path.join(ADDON, 'Code.gs'), 'utf8');
const SCHOOL_ID = '1SchoolSummarySpreadsheetId';

/** A fresh add-on with fakes; `answers` are what UrlFetchApp.fetch gives, in order. */
function loadAddon(answers = [], pressed = 'YES') {
  const seen = {menus: [], fetches: [], toasts: [], sidebars: [], activated: [], alerts: []};
  const sheets = {Judgements: {getRange: (a1) => ({activate: () => seen.activated.push(a1)})}};
  const spreadsheet = {
    getId: () => SCHOOL_ID,
    getName: () => 'Oak 2026-27',
    getSheetByName: (name) => sheets[name] || null,
    toast: (message, title) => seen.toasts.push({message, title}),
  };
  const menu = (title) => {
    const built = {title, items: [], added: false};
    const api = {
      addItem(caption, fn) { built.items.push([caption, fn]); return api; },
      addSeparator() { built.items.push(['---']); return api; },
      addToUi() { built.added = true; seen.menus.push(built); },
    };
    return api;
  };
  const context = {
    SpreadsheetApp: {
      getUi: () => ({
        createAddonMenu: () => menu('Add-on menu'),
        showSidebar: (html) => seen.sidebars.push(html),
        alert: (title, message, buttons) => {
          seen.alerts.push({title, message, buttons});
          return buttons === 'YES_NO' ? pressed : 'OK';
        },
        ButtonSet: {OK: 'OK', YES_NO: 'YES_NO'},
        Button: {OK: 'OK', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE'},
      }),
      getActiveSpreadsheet: () => spreadsheet,
    },
    ScriptApp: {getIdentityToken: () => 'id-token-of-the-user'},
    UrlFetchApp: {
      fetch(url, options) {
        seen.fetches.push({url, options});
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return {
          getResponseCode: () => answer.status,
          getContentText: () => (typeof answer.body === 'string' ? answer.body :
            JSON.stringify(answer.body)),
        };
      },
    },
    HtmlService: {
      createTemplateFromFile(file) {
        const template = {
          file,
          evaluate() {
            return {setTitle(title) { return {file, title, view: template.view}; }};
          },
        };
        return template;
      },
    },
  };
  vm.createContext(context);
  vm.runInContext(CODE, context, {filename: 'Code.gs'});
  return {addon: context, seen};
}

test('onOpen builds the add-on menu (createAddonMenu) with its five commands', () => {
  const {addon, seen} = loadAddon();
  addon.onOpen({});
  assert.equal(seen.menus.length, 1);
  assert.equal(seen.menus[0].title, 'Add-on menu');
  assert.ok(seen.menus[0].added);
  assert.deepEqual(seen.menus[0].items, [
    ['Sync now', 'syncNow'], ['Check my class', 'checkMyClass'],
    ['Create parent reports', 'createParentReports'], ['Next school year', 'nextSchoolYear'], ['---'],
    ['Sync status', 'showSyncStatus']]);
  for (const [, fn] of seen.menus[0].items.filter((item) => item.length === 2)) {
    assert.equal(typeof addon[fn], 'function', `${fn} is defined`);
  }
});

test('Sync now posts the school id with the identity token and toasts the answer', () => {
  const {addon, seen} = loadAddon([{status: 200, body: {message: 'Synced Oak school.'}}]);
  addon.syncNow();
  assert.equal(seen.fetches.length, 1);
  const {url, options} = seen.fetches[0];
  assert.equal(url, 'https://YOUR-PROJECT.nw.r.appspot.com/api/sync');
  assert.equal(options.method, 'post');
  assert.equal(options.headers.Authorization, 'Bearer id-token-of-the-user');
  assert.equal(options.contentType, 'application/json');
  assert.deepEqual(JSON.parse(options.payload), {spreadsheetId: SCHOOL_ID});
  assert.equal(options.muteHttpExceptions, true);
  assert.equal(seen.toasts.at(-1).message, 'Synced Oak school.');
});

test('a configured school spreadsheet id is sent instead of the active one', () => {
  const {addon, seen} = loadAddon([{status: 200, body: {message: 'ok'}}]);
  addon.TRACKER.schoolSpreadsheetId = '1TheTrackerSummary';
  addon.syncNow();
  assert.deepEqual(JSON.parse(seen.fetches[0].options.payload), {spreadsheetId: '1TheTrackerSummary'});
});

test('an error answer is shown to the user in its plain words', () => {
  const error = 'A sync of this school is already running; try again when it has finished.';
  const {addon, seen} = loadAddon([{status: 409, body: {error}}]);
  addon.syncNow();
  assert.equal(seen.toasts.at(-1).message, error);
});

test('an answer that is not JSON still gives a plain sentence with the status', () => {
  const {addon, seen} = loadAddon([{status: 502, body: '<html>Bad gateway</html>'}]);
  addon.createParentReports();
  assert.equal(seen.toasts.at(-1).message,
      'The tracker service could not do that (answer 502); try again later.');
});

test('no answer in time says the sync may still be running', () => {
  const {addon, seen} = loadAddon([new Error('Timeout: https://tracker...')]);
  addon.syncNow();
  assert.match(seen.toasts.at(-1).message, /did not answer in time.*Sync status/);
});

test('Create parent reports posts to the reports route', () => {
  const {addon, seen} = loadAddon([{status: 200, body: {message: 'Wrote 30 parent reports.'}}]);
  addon.createParentReports();
  assert.match(seen.fetches[0].url, /\/api\/reports$/);
  assert.equal(seen.fetches[0].options.headers.Authorization, 'Bearer id-token-of-the-user');
  assert.equal(seen.toasts.at(-1).message, 'Wrote 30 parent reports.');
});

test('Next school year asks first, then posts to the new-year route and shows every line', () => {
  const message = 'Created 2027-28 Oak (Year 4) with 28 pupils; shared as 2026-27 Oak (Year 3) is.\n' +
      'When the head agrees, type in the Settings tab of Tracker summary: Academic year 2027-28.';
  const {addon, seen} = loadAddon([{status: 200, body: {message, lines: message.split('\n')}}]);
  addon.nextSchoolYear();
  assert.equal(seen.alerts[0].buttons, 'YES_NO');
  assert.match(seen.alerts[0].message, /Classes next year/);
  assert.equal(seen.fetches.length, 1);
  assert.equal(seen.fetches[0].url, 'https://YOUR-PROJECT.nw.r.appspot.com/api/new-year');
  assert.equal(seen.fetches[0].options.method, 'post');
  assert.equal(seen.fetches[0].options.headers.Authorization, 'Bearer id-token-of-the-user');
  assert.deepEqual(JSON.parse(seen.fetches[0].options.payload), {spreadsheetId: SCHOOL_ID});
  assert.deepEqual(seen.alerts.at(-1), {title: 'Next school year', message, buttons: 'OK'});
});

test('Next school year does nothing when the head says no', () => {
  const {addon, seen} = loadAddon([], 'NO');
  addon.nextSchoolYear();
  assert.equal(seen.fetches.length, 0);
  assert.equal(seen.alerts.length, 1);
});

test('Next school year refused (a teacher) is a toast in the service\'s words', () => {
  const error = 'Only the head or an admin can do this; ask them to.';
  const {addon, seen} = loadAddon([{status: 403, body: {error}}]);
  addon.nextSchoolYear();
  assert.equal(seen.toasts.at(-1).message, error);
  assert.equal(seen.alerts.length, 1);            // the question only
});

test('Check my class asks for this workbook and lists its problems with links', () => {
  const status = {
    running: false,
    lastRun: {started: '2026-11-02 19:00:00', window: 'Autumn', outcome: 'complete'},
    problemCount: 3,
    problems: [
      {workbook: 'Oak 2026-27', tab: 'Judgements', cell: 'C4', found: '17x',
        expected: 'a points label', severity: 'error'},
      {workbook: 'Oak 2026-27', tab: 'Pupils', cell: 'A7', found: 'A12345678901Z',
        expected: 'a valid check letter', severity: 'warning'},
    ],
  };
  const {addon, seen} = loadAddon([{status: 200, body: status}]);
  addon.checkMyClass();
  const {url, options} = seen.fetches[0];
  assert.equal(url, 'https://YOUR-PROJECT.nw.r.appspot.com/api/status' +
      `?spreadsheetId=${SCHOOL_ID}&workbook=Oak%202026-27`);
  assert.equal(options.method, 'get');
  assert.equal(options.payload, undefined);
  assert.equal(seen.sidebars.length, 1);
  const {file, title, view} = seen.sidebars[0];
  assert.equal(file, 'Sidebar');
  assert.equal(title, 'Tracker: Check my class');
  assert.equal(view.lastRun, 'Last sync started 2026-11-02 19:00:00 (Autumn): complete.');
  assert.equal(view.more, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(view.problems[0])), {
    where: 'Judgements C4', tab: 'Judgements', cell: 'C4', linked: true,
    text: 'Found "17x"; expected a points label.', severity: 'error'});
  assert.equal(addon.goToCell('Judgements', 'C4'), true);
  assert.deepEqual(seen.activated, ['C4']);
  assert.equal(addon.goToCell('No such tab', 'A1'), false);
});

test('Sync status names the workbook of problems elsewhere and links none of them', () => {
  const status = {running: true, lastRun: null, problemCount: 1, problems: [
    {workbook: 'Ash 2026-27', tab: 'Tests', cell: 'B2', found: '51/50',
      expected: 'a score up to 50', severity: 'error'}]};
  const {addon, seen} = loadAddon([{status: 200, body: status}]);
  addon.showSyncStatus();
  assert.doesNotMatch(seen.fetches[0].url, /workbook=/);
  const {view} = seen.sidebars[0];
  assert.equal(view.running, true);
  assert.equal(view.lastRun, 'No sync has run yet.');
  assert.equal(view.problems[0].where, 'Tests B2 in Ash 2026-27');
  assert.equal(view.problems[0].linked, false);
});

test('a refused status check is a toast, not an empty sidebar', () => {
  const error = "Your email address is not in this school's Staff tab; ask your head or admin to add it.";
  const {addon, seen} = loadAddon([{status: 403, body: {error}}]);
  addon.checkMyClass();
  assert.equal(seen.sidebars.length, 0);
  assert.equal(seen.toasts.at(-1).message, error);
});

test('the manifest asks for the narrowest scopes and allows only the backend URL', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ADDON, 'appsscript.json'), 'utf8'));
  assert.deepEqual(manifest.oauthScopes.slice().sort(), [
    'https://www.googleapis.com/auth/script.container.ui',
    'https://www.googleapis.com/auth/script.external_request',
    'https://www.googleapis.com/auth/spreadsheets.currentonly',
    'https://www.googleapis.com/auth/userinfo.email',
    'openid']);
  const {addon} = loadAddon();
  assert.deepEqual(manifest.urlFetchWhitelist, [addon.TRACKER.backendUrl + '/']);
});

test('the sidebar prints every value escaped (no <?!= scriptlets) and uses the view it is given', () => {
  const html = fs.readFileSync(path.join(ADDON, 'Sidebar.html'), 'utf8');
  assert.doesNotMatch(html, /<\?!=/);
  for (const field of ['view.lastRun', 'view.heading', 'p.where', 'p.text', 'view.more']) {
    assert.ok(html.includes(`<?= ${field} ?>`), `${field} is printed escaped`);
  }
});

test('onInstall shows the menu at once', () => {
  const {addon, seen} = loadAddon();
  addon.onInstall({authMode: 'FULL'});
  assert.equal(seen.menus.length, 1);
  assert.ok(seen.menus[0].added);
});

test('every google.script.run call in the sidebar has a failure handler', () => {
  const html = fs.readFileSync(path.join(ADDON, 'Sidebar.html'), 'utf8');
  const calls = html.match(/google\.script\.run[.\w(]*/g) || [];
  assert.ok(calls.length > 0);
  for (const call of calls) {
    assert.match(call, /^google\.script\.run\.withFailureHandler\(/, call);
  }
});
