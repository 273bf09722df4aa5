import { describe, expect, it } from 'vitest';
import { isRendererPage } from '../../../main/electron/channels.js';

// The Electron shell answers IPC only from its own page; the check must hold on every platform.
describe('the IPC sender check compares file paths, not a URL path with a file path', () => {
  it('accepts the renderer page on Windows (drive letter, backslashes, any case)', () => {
    const index = 'C:\\Program Files\\Firedrill\\resources\\app\\dist\\renderer\\index.html';
    expect(isRendererPage('file:///C:/Program%20Files/Firedrill/resources/app/dist/renderer/index.html', index, 'win32')).toBe(true);
    expect(isRendererPage('file:///c:/program%20files/firedrill/Resources/app/dist/renderer/INDEX.html', index, 'win32')).toBe(true);
    expect(isRendererPage('file:///C:/Program%20Files/Firedrill/resources/app/dist/renderer/index.html#/history', index, 'win32')).toBe(true);
  });

  it('accepts a renderer installed on a Windows network share (UNC path)', () => {
    expect(isRendererPage('file://server/share/Firedrill/index.html', '\\\\server\\share\\Firedrill\\index.html', 'win32')).toBe(true);
  });

  it('refuses another file on Windows, and a page served over http', () => {
    const index = 'C:\\Firedrill\\dist\\renderer\\index.html';
    expect(isRendererPage('file:///C:/Users/me/Downloads/evil.html', index, 'win32')).toBe(false);
    expect(isRendererPage('file:///C:/Firedrill/dist/renderer/../renderer2/index.html', index, 'win32')).toBe(false);
    expect(isRendererPage('http://127.0.0.1:1234/index.html', index, 'win32')).toBe(false);
    expect(isRendererPage('not a url', index, 'win32')).toBe(false);
  });

  it('accepts the page on POSIX and keeps case significant there', () => {
    const index = '/opt/Firedrill/dist/renderer/index.html';
    expect(isRendererPage('file:///opt/Firedrill/dist/renderer/index.html', index, 'linux')).toBe(true);
    expect(isRendererPage('file:///opt/firedrill/dist/renderer/index.html', index, 'linux')).toBe(false);
    expect(isRendererPage('file:///opt/Firedrill/dist/renderer/index%20x.html', '/opt/Firedrill/dist/renderer/index x.html', 'darwin')).toBe(true);
    expect(isRendererPage('file://otherhost/opt/Firedrill/dist/renderer/index.html', index, 'linux')).toBe(false);
  });
});
