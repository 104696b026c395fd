/** Built-in word lists so generated people and courses look realistic without any download. */
const words = (text: string) => text.trim().split(/\s+/);

export const FIRST_NAMES = words(`
  Aaliyah Adrian Aisha Alejandro Amara Andre Angela Brandon Brianna Carlos Carmen Chloe Daniel Deja
  Diego Elena Emily Ethan Fatima Gabriel Grace Hannah Hector Imani Isaac Jasmine Javier Jessica Jordan
  Joseph Julia Kayla Kevin Keisha Kyle Laura Liam Lucia Malik Maria Marcus Maya Michael Monica Nadia
  Nathan Nicole Omar Olivia Priya Rachel Rafael Rosa Ryan Samantha Sara Sofia Tamara Tyler Victor
  Vanessa Wei Xavier Yesenia Zoe Tiana Luis Destiny Andrew Mei`);

export const LAST_NAMES = words(`
  Adams Alvarez Anderson Baker Brown Campbell Carter Castillo Chen Clark Collins Cruz Davis Diaz Edwards
  Evans Flores Garcia Gomez Gonzalez Green Hall Harris Hernandez Hill Jackson Johnson Jones Kim King Lee
  Lewis Lopez Martin Martinez Mitchell Moore Morales Nguyen Nelson Ortiz Patel Perez Phillips Ramirez
  Reyes Rivera Roberts Robinson Rodriguez Sanchez Scott Singh Smith Taylor Thomas Thompson Torres Turner
  Walker Washington White Williams Wilson Wright Young Okafor Nakamura Rossi Kowalski`);

/** Career-college subjects: [subject code, course names]. */
export const SUBJECTS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['MED', ['Medical Terminology', 'Anatomy and Physiology', 'Clinical Procedures', 'Pharmacology Basics']],
  ['NUR', ['Fundamentals of Nursing', 'Patient Care Skills', 'Maternal and Child Health', 'Nursing Ethics']],
  ['HVA', ['HVAC Fundamentals', 'Refrigeration Systems', 'Electrical Controls', 'Heat Pump Service']],
  ['ELE', ['Residential Wiring', 'Electrical Code', 'Motor Controls', 'Solar Installation']],
  ['AUT', ['Engine Repair', 'Brakes and Suspension', 'Automotive Electronics', 'Diesel Systems']],
  ['WEL', ['Welding Safety', 'Arc Welding', 'MIG and TIG Welding', 'Blueprint Reading']],
  ['COS', ['Cosmetology Theory', 'Hair Cutting', 'Skin Care', 'Salon Management']],
  ['ACC', ['Principles of Accounting', 'Payroll Accounting', 'Tax Preparation', 'QuickBooks Essentials']],
  ['BUS', ['Business Communication', 'Office Procedures', 'Customer Service', 'Small Business Management']],
  ['CIS', ['Computer Fundamentals', 'Networking Essentials', 'Cybersecurity Basics', 'Help Desk Support']],
  ['DEN', ['Dental Radiography', 'Dental Materials', 'Chairside Assisting', 'Infection Control']],
  ['PHL', ['Phlebotomy Techniques', 'Specimen Processing', 'Lab Safety', 'Venipuncture Practicum']],
  ['ENG', ['English Composition', 'Technical Writing', 'Public Speaking', 'Workplace Reading']],
  ['MAT', ['College Math', 'Applied Algebra', 'Business Math', 'Statistics for Health Careers']],
];
