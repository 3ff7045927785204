import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium (the `chromium` package); LONGAV_CHROMIUM names another build. */
export function chromiumPath(): string {
  return process.env.LONGAV_CHROMIUM ?? '/usr/bin/chromium'
}

/** Launches headless Chromium with everything that could phone home turned off. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath()
  if (!existsSync(executablePath))
    throw new Error(`no Chromium at ${executablePath}: install Debian's chromium package (scripts/setup.sh does) or set LONGAV_CHROMIUM`)
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** What a page did while it was open: anything here but `requests` is a defect of the page. */
export interface PageLog {
  consoleErrors: string[]
  pageErrors: string[]
  failedRequests: string[]
  /** Every URL the page asked for (data: URIs included). */
  requests: string[]
}

export interface OpenedPage {
  page: Page
  context: BrowserContext
  log: PageLog
  close: () => Promise<void>
}

/** Opens `url` in a fresh context (no shared cache or storage), recording errors and requests. */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const log: PageLog = { consoleErrors: [], pageErrors: [], failedRequests: [], requests: [] }
  page.on('console', (m) => {
    if (m.type() === 'error') log.consoleErrors.push(m.text())
  })
  page.on('pageerror', (err) => log.pageErrors.push(String(err)))
  page.on('request', (r) => log.requests.push(r.url()))
  page.on('requestfailed', (r) => log.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? 'failed'}`))
  await page.goto(url, { waitUntil: 'load' })
  return { page, context, log, close: () => context.close() }
}
