// E-mail over SMTP (nodemailer, imported lazily) for notifications.

export interface SmtpServer {
  host: string
  port: number
  secure: boolean
  user?: string
  password?: string
}

export interface Mailer {
  send(server: SmtpServer, message: {from: string; to: string[]; subject: string; text: string}): Promise<void>
}

export function createMailer(): Mailer {
  return {
    async send(server, message) {
      const {default: nodemailer} = await import('nodemailer')
      const transport = nodemailer.createTransport({
        host: server.host,
        port: server.port,
        secure: server.secure,
        ...(server.user ? {auth: {user: server.user, pass: server.password ?? ''}} : {}),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 10_000,
      })
      try {
        await transport.sendMail(message)
      } finally {
        transport.close()
      }
    },
  }
}
