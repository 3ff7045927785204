/**
 * ComfyUI's websocket (`/ws?clientId=…`): JSON text messages {type, data} for our client id,
 * binary frames for previews (ignored). Opened before the prompt is queued so no message is
 * missed; when it drops, the caller falls back to polling /history.
 */
import WebSocket from 'ws'
import { ComfyConnectionError } from './errors.js'
import { WsMessage } from './protocol.js'

export interface ComfySocket {
  close(): void
}

export interface SocketHandlers {
  onMessage(type: string, data: unknown): void
  /** The socket closed without us asking (server restart, proxy timeout, network). */
  onDrop(reason: string): void
  /** A text frame that is not a {type, data} JSON object. */
  onGarbage?(excerpt: string): void
}

/** Opens the socket; resolves once the server accepted it, rejects after `handshakeTimeoutMs`. */
export function openComfySocket(url: string, handshakeTimeoutMs: number, handlers: SocketHandlers, signal?: AbortSignal): Promise<ComfySocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: handshakeTimeoutMs, perMessageDeflate: false })
    let opened = false
    let closedByUs = false
    const onAbort = () => {
      closedByUs = true
      ws.terminate()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    ws.on('open', () => {
      opened = true
      resolve({
        close() {
          closedByUs = true
          signal?.removeEventListener('abort', onAbort)
          // terminate, not close: a close handshake with a busy server can take seconds.
          ws.terminate()
        },
      })
    })
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return // preview images: 4-byte event type + JPEG/PNG
      const text = raw.toString()
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        handlers.onGarbage?.(text.slice(0, 80))
        return
      }
      const m = WsMessage.safeParse(value)
      if (!m.success) {
        handlers.onGarbage?.(text.slice(0, 80))
        return
      }
      handlers.onMessage(m.data.type, m.data.data)
    })
    ws.on('error', (err) => {
      if (!opened) {
        signal?.removeEventListener('abort', onAbort)
        reject(new ComfyConnectionError(`websocket ${url.split('?')[0]} failed: ${err.message}`, { cause: err }))
      }
    })
    ws.on('close', (code, reason) => {
      signal?.removeEventListener('abort', onAbort)
      if (!opened) {
        reject(new ComfyConnectionError(`websocket ${url.split('?')[0]} closed before it opened (code ${code})`))
        return
      }
      if (!closedByUs) handlers.onDrop(`code ${code}${reason.length ? `, ${reason.toString()}` : ''}`)
    })
  })
}
